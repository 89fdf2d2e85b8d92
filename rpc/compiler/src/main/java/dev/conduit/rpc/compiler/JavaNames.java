package dev.conduit.rpc.compiler;

import java.util.Locale;
import java.util.Set;

/** Java identifier rules: camel case as protobuf's Java generator does it, and escaping of reserved words. */
final class JavaNames {
    private JavaNames() {}

    /** Reserved words and literals, plus names that would clash with {@link Object}'s methods in generated code. */
    private static final Set<String> RESERVED = Set.of(
            "abstract",
            "assert",
            "boolean",
            "break",
            "byte",
            "case",
            "catch",
            "char",
            "class",
            "const",
            "continue",
            "default",
            "do",
            "double",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "float",
            "for",
            "goto",
            "if",
            "implements",
            "import",
            "instanceof",
            "int",
            "interface",
            "long",
            "native",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "short",
            "static",
            "strictfp",
            "super",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "transient",
            "try",
            "void",
            "volatile",
            "while",
            "true",
            "false",
            "null",
            "var",
            "yield",
            "record",
            "sealed",
            "permits",
            "non-sealed",
            "_",
            "getClass",
            "hashCode",
            "equals",
            "toString",
            "notify",
            "notifyAll",
            "wait",
            "clone",
            "finalize");

    /**
     * {@code foo_bar2baz} to {@code FooBar2Baz} (or {@code fooBar2Baz}): letters after an underscore, a digit or any
     * other non-alphanumeric character are capitalized, and those characters other than digits are dropped.
     */
    static String camelCase(String input, boolean capitalizeFirst) {
        StringBuilder sb = new StringBuilder(input.length());
        boolean capNext = capitalizeFirst;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c >= 'a' && c <= 'z') {
                sb.append(capNext ? Character.toUpperCase(c) : c);
                capNext = false;
            } else if (c >= 'A' && c <= 'Z') {
                sb.append(i == 0 && !capitalizeFirst ? Character.toLowerCase(c) : c);
                capNext = false;
            } else if (c >= '0' && c <= '9') {
                sb.append(c);
                capNext = true;
            } else {
                capNext = true;
            }
        }
        return sb.toString();
    }

    /** A proto method name as a Java method name: {@code GetValue} to {@code getValue}; reserved words get a '_'. */
    static String methodName(String protoName) {
        String name = camelCase(protoName, false);
        if (name.isEmpty()) {
            name = "method";
        }
        return escape(name);
    }

    /** {@code name}, or {@code name_} if it is a reserved word or would clash with {@link Object}'s methods. */
    static String escape(String name) {
        return RESERVED.contains(name) ? name + "_" : name;
    }

    /** A constant name: {@code GetValue} to {@code GET_VALUE}. */
    static String constantName(String protoName) {
        StringBuilder sb = new StringBuilder();
        String camel = camelCase(protoName, true);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(camel.charAt(i - 1))) {
                sb.append('_');
            }
            sb.append(Character.toUpperCase(c));
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
