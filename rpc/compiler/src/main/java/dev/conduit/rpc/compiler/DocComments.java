package dev.conduit.rpc.compiler;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The comments written in a .proto file, by element path, turned into javadoc-safe text. */
final class DocComments {
    /** Field numbers in {@code FileDescriptorProto} and {@code ServiceDescriptorProto} used in location paths. */
    static final int FILE_SERVICE = 6;

    static final int SERVICE_METHOD = 2;

    private final Map<List<Integer>, String> byPath = new HashMap<>();

    DocComments(FileDescriptorProto file) {
        for (Location location : file.getSourceCodeInfo().getLocationList()) {
            String text =
                    location.hasLeadingComments() ? location.getLeadingComments() : location.getTrailingComments();
            if (!text.isBlank()) {
                byPath.put(List.copyOf(location.getPathList()), text);
            }
        }
    }

    /** The comment of service {@code s}, as javadoc lines (without the leading {@code *}), or none. */
    List<String> service(int s) {
        return lines(byPath.get(List.of(FILE_SERVICE, s)));
    }

    /** The comment of method {@code m} of service {@code s}. */
    List<String> method(int s, int m) {
        return lines(byPath.get(List.of(FILE_SERVICE, s, SERVICE_METHOD, m)));
    }

    /** Proto comment text as javadoc lines: HTML and javadoc-significant characters escaped, blank edges trimmed. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        if (text == null) {
            return lines;
        }
        for (String line : text.split("\n", -1)) {
            lines.add(escape(line.startsWith(" ") ? line.substring(1) : line).stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(0).isBlank()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '@' -> sb.append("&#64;");
                case '\\' -> sb.append("&#92;");
                case '*' -> sb.append(i + 1 < s.length() && s.charAt(i + 1) == '/' ? "&#42;" : "*");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
