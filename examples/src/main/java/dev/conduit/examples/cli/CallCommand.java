package dev.conduit.examples.cli;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit call URI pkg.Service/Method [JSON...]}, {@code call URI list [SERVICE]}, {@code call URI describe
 * [SYMBOL]}: grpcurl's everyday uses over any URI a Conduit RpcChannel takes. Methods and types are found through
 * the server's reflection; requests and responses are protobuf's JSON mapping. Exit codes: see {@link RpcExits}.
 */
@Command(
        name = "call",
        mixinStandardHelpOptions = true,
        description = {
            "Call a method by name, found through the server's reflection; JSON in, JSON out.",
            "",
            "  conduit call URI pkg.Service/Method [JSON...]",
            "      one JSON document per request ('-': JSON lines from stdin);",
            "      prints one JSON document per response, one per line",
            "  conduit call URI list [SERVICE]",
            "      the services, or a service's methods as pkg.Service/Method",
            "  conduit call URI describe [SYMBOL]",
            "      every service, or a service, method, message or enum as .proto source",
            ""
        },
        footer = "Exit codes: 0 OK; 64 usage error (also a request that is not JSON of the method's input type);"
                + " 64+code when the call or a reflection lookup ends with that status code (65 CANCELLED ..."
                + " 80 UNAUTHENTICATED; 69 NOT_FOUND, 76 UNIMPLEMENTED, 78 UNAVAILABLE); 1 any other failure.")
final class CallCommand implements Callable<Integer> {
    private static final Duration REFLECTION_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "URI", converter = Arguments.Uri.class, description = "the server's endpoint")
    String uri;

    @Parameters(index = "1", paramLabel = "METHOD|list|describe", description = "pkg.Service/Method, list or describe")
    String target;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "JSON requests, or '-'; a SERVICE; a SYMBOL")
    List<String> args = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = Arguments.Time.class,
            description = "deadline of the call, e.g. 5s (default: none; reflection lookups: 10s)")
    @Nullable
    Duration timeout;

    @Option(
            names = {"-H", "--header"},
            paramLabel = "'NAME: VALUE'",
            description = "a request header, for the call and the reflection lookups; repeatable")
    List<String> headers = new ArrayList<>();

    @Option(names = "--emit-defaults", description = "print fields that hold their default value too")
    boolean emitDefaults;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Conduit conduit = Conduit.builder().name("call").build();
                RpcChannel channel = RpcChannel.builder(conduit).target(uri).build();
                ReflectionClient reflection = new ReflectionClient(channel, options(REFLECTION_TIMEOUT))) {
            switch (target) {
                case "list" -> list(reflection, out);
                case "describe" -> describe(reflection, out);
                default -> invoke(channel, reflection, out);
            }
            out.flush();
            return 0;
        } catch (RpcExits.UsageException e) {
            return RpcExits.usage(err, e.getMessage());
        } catch (RpcException e) {
            return RpcExits.failed(err, e);
        }
    }

    private CallOptions options(@Nullable Duration fallback) {
        CallOptions options = CallOptions.DEFAULT;
        if (timeout != null) {
            options = options.withTimeout(timeout);
        } else if (fallback != null) {
            options = options.withTimeout(fallback);
        }
        if (!headers.isEmpty()) {
            Metadata metadata = new Metadata();
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new RpcExits.UsageException("header '" + header + "' is not 'NAME: VALUE'");
                }
                metadata.put(
                        header.substring(0, colon).strip(),
                        header.substring(colon + 1).strip());
            }
            options = options.withHeaders(metadata);
        }
        return options;
    }

    private void list(ReflectionClient reflection, PrintWriter out) {
        if (args.isEmpty()) {
            reflection.services().forEach(out::println);
            return;
        }
        if (args.size() > 1) {
            throw new RpcExits.UsageException("expected: conduit call URI list [SERVICE]");
        }
        for (MethodDescriptor m : service(reflection, args.get(0)).getMethods()) {
            out.println(m.getService().getFullName() + "/" + m.getName());
        }
    }

    private void describe(ReflectionClient reflection, PrintWriter out) {
        if (args.size() > 1) {
            throw new RpcExits.UsageException("expected: conduit call URI describe [SYMBOL]");
        }
        List<String> symbols = args.isEmpty() ? reflection.services() : args;
        for (int i = 0; i < symbols.size(); i++) {
            if (i > 0) {
                out.println();
            }
            String symbol = symbols.get(i);
            GenericDescriptor d;
            try {
                d = resolve(reflection, symbol);
            } catch (RpcException e) {
                if (!args.isEmpty() || e.status().code() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                out.println(symbol + " is a service without a descriptor on the server");
                continue;
            }
            ProtoDescriber.describe(d).forEach(out::println);
        }
    }

    /** A symbol the server's index knows, or a field or enum value inside one. */
    private static GenericDescriptor resolve(ReflectionClient reflection, String symbol) {
        FileDescriptor file;
        try {
            file = reflection.fileContaining(symbol);
        } catch (RpcException e) {
            int dot = symbol.lastIndexOf('.');
            if (e.status().code() != Status.Code.NOT_FOUND || dot <= 0) {
                throw e;
            }
            try {
                file = reflection.fileContaining(symbol.substring(0, dot));
            } catch (RpcException parentUnknown) {
                throw e;
            }
        }
        GenericDescriptor d = ProtoDescriber.find(file, symbol);
        if (d == null) {
            throw Status.NOT_FOUND
                    .withDescription("no symbol '" + symbol + "' in " + file.getName())
                    .asException();
        }
        return d;
    }

    private static ServiceDescriptor service(ReflectionClient reflection, String name) {
        if (resolve(reflection, name) instanceof ServiceDescriptor s) {
            return s;
        }
        throw new RpcExits.UsageException("'" + name + "' is not a service");
    }

    private void invoke(RpcChannel channel, ReflectionClient reflection, PrintWriter out) {
        int split = target.indexOf('/') >= 0 ? target.indexOf('/') : target.lastIndexOf('.');
        if (split <= 0 || split == target.length() - 1) {
            throw new RpcExits.UsageException(
                    "expected pkg.Service/Method, list or describe after the URI, not '" + target + "'");
        }
        String serviceName = target.substring(0, split);
        String methodName = target.substring(split + 1);
        ServiceDescriptor service = service(reflection, serviceName);
        MethodDescriptor method = service.findMethodByName(methodName);
        if (method == null) {
            throw Status.NOT_FOUND
                    .withDescription("service " + serviceName + " has no method '" + methodName + "'; it has "
                            + service.getMethods().stream()
                                    .map(MethodDescriptor::getName)
                                    .toList())
                    .asException();
        }
        TypeRegistry types = reflection.typeRegistry();
        reflection.close(); // the lookups are done: do not hold a reflection call open during a long stream
        JsonFormat.Printer printer =
                JsonFormat.printer().usingTypeRegistry(types).omittingInsignificantWhitespace();
        if (emitDefaults) {
            printer = printer.alwaysPrintFieldsWithNoPresence();
        }
        DynamicCall call = new DynamicCall(method, JsonFormat.parser().usingTypeRegistry(types), printer);
        Iterator<String> requests = args.equals(List.of("-"))
                ? DynamicCall.lines(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
                : args.iterator();
        call.run(channel, options(null), requests, out);
    }
}
