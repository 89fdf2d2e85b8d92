package dev.conduit.rpc.compiler;

import java.util.Locale;

/**
 * The plugin's options, comma-separated, as protoc passes them ({@code --conduit_out=lite:DIR} or {@code
 * --conduit_opt=lite}) or as program arguments of the plugin's JVM.
 *
 * @param lite the messages are generated for protobuf's lite runtime ({@code --java_out=lite:}), which has no
 *     descriptors: stubs then carry none, and server reflection lists the service without a file. Files with {@code
 *     option optimize_for = LITE_RUNTIME} are recognized without it.
 */
record GeneratorOptions(boolean lite) {

    static GeneratorOptions parse(String parameter) {
        boolean lite = false;
        for (String option : parameter.split(",")) {
            String o = option.strip().toLowerCase(Locale.ROOT);
            if (o.isEmpty()) {
                continue;
            }
            if (o.equals("lite")) {
                lite = true;
            } else {
                throw new GeneratorException("conduit protoc plugin: unknown option '" + option.strip()
                        + "'; the options are: lite (the messages are generated for the lite runtime)");
            }
        }
        return new GeneratorOptions(lite);
    }
}
