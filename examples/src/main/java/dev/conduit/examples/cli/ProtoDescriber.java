package dev.conduit.examples.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds a symbol in a file built from reflection and describes it as {@code .proto} source, for {@code conduit call
 * URI describe}: a first line saying what the symbol is ({@code conduit.kv.Kv is a service:}), then its definition,
 * with types fully qualified ({@code .conduit.kv.PutRequest}), as grpcurl shows them.
 */
final class ProtoDescriber {
    private final List<String> lines = new ArrayList<>();

    private ProtoDescriber() {}

    /** The element of {@code file} named {@code fullName}, or null if the file declares none. */
    static @Nullable GenericDescriptor find(FileDescriptor file, String fullName) {
        String pkg = file.getPackage();
        if (!pkg.isEmpty() && !fullName.startsWith(pkg + ".")) {
            return null;
        }
        String[] parts = (pkg.isEmpty() ? fullName : fullName.substring(pkg.length() + 1)).split("\\.");
        GenericDescriptor found = top(file, parts[0]);
        for (int i = 1; i < parts.length && found != null; i++) {
            found = child(found, parts[i]);
        }
        return found;
    }

    private static @Nullable GenericDescriptor top(FileDescriptor file, String name) {
        GenericDescriptor d = file.findServiceByName(name);
        d = d != null ? d : file.findMessageTypeByName(name);
        d = d != null ? d : file.findEnumTypeByName(name);
        return d != null ? d : file.findExtensionByName(name);
    }

    private static @Nullable GenericDescriptor child(GenericDescriptor parent, String name) {
        if (parent instanceof ServiceDescriptor s) {
            return s.findMethodByName(name);
        }
        if (parent instanceof Descriptor m) {
            GenericDescriptor d = m.findNestedTypeByName(name);
            d = d != null ? d : m.findEnumTypeByName(name);
            d = d != null ? d : m.findFieldByName(name);
            if (d == null) {
                d = m.getExtensions().stream()
                        .filter(x -> x.getName().equals(name))
                        .findFirst()
                        .orElse(null);
            }
            return d;
        }
        if (parent instanceof EnumDescriptor e) {
            return e.findValueByName(name);
        }
        return null;
    }

    /** What {@code describe} prints for {@code d}: a line saying what it is, then its definition. */
    static List<String> describe(GenericDescriptor d) {
        ProtoDescriber p = new ProtoDescriber();
        p.lines.add(d.getFullName() + " is " + kind(d) + ":");
        p.element(d, "");
        return p.lines;
    }

    private static String kind(GenericDescriptor d) {
        if (d instanceof ServiceDescriptor) {
            return "a service";
        } else if (d instanceof MethodDescriptor) {
            return "a method";
        } else if (d instanceof Descriptor) {
            return "a message";
        } else if (d instanceof EnumDescriptor) {
            return "an enum";
        } else if (d instanceof EnumValueDescriptor) {
            return "an enum value";
        } else if (d instanceof FieldDescriptor f) {
            return f.isExtension() ? "an extension" : "a field";
        }
        return "a " + d.getClass().getSimpleName();
    }

    private void element(GenericDescriptor d, String indent) {
        if (d instanceof ServiceDescriptor s) {
            lines.add(indent + "service " + s.getName() + " {");
            s.getMethods().forEach(m -> lines.add(indent + "  " + rpc(m)));
            lines.add(indent + "}");
        } else if (d instanceof MethodDescriptor m) {
            lines.add(indent + rpc(m));
        } else if (d instanceof Descriptor m) {
            message(m, indent);
        } else if (d instanceof EnumDescriptor e) {
            lines.add(indent + "enum " + e.getName() + " {");
            e.getValues().forEach(v -> lines.add(indent + "  " + v.getName() + " = " + v.getNumber() + ";"));
            lines.add(indent + "}");
        } else if (d instanceof EnumValueDescriptor v) {
            lines.add(indent + v.getName() + " = " + v.getNumber() + ";");
        } else if (d instanceof FieldDescriptor f) {
            if (f.isExtension()) {
                lines.add(indent + "extend ." + f.getContainingType().getFullName() + " {");
                lines.add(indent + "  " + field(f));
                lines.add(indent + "}");
            } else {
                lines.add(indent + field(f));
            }
        }
    }

    private void message(Descriptor m, String indent) {
        lines.add(indent + "message " + m.getName() + " {");
        String in = indent + "  ";
        List<OneofDescriptor> printed = new ArrayList<>();
        for (FieldDescriptor f : m.getFields()) {
            OneofDescriptor oneof = f.getRealContainingOneof();
            if (oneof == null) {
                lines.add(in + field(f));
            } else if (!printed.contains(oneof)) {
                printed.add(oneof);
                lines.add(in + "oneof " + oneof.getName() + " {");
                oneof.getFields().forEach(o -> lines.add(in + "  " + field(o)));
                lines.add(in + "}");
            }
        }
        for (Descriptor nested : m.getNestedTypes()) {
            if (!nested.getOptions().getMapEntry()) {
                message(nested, in);
            }
        }
        m.getEnumTypes().forEach(e -> element(e, in));
        m.toProto()
                .getExtensionRangeList()
                .forEach(r -> lines.add(in + "extensions " + r.getStart() + " to " + (r.getEnd() - 1) + ";"));
        lines.add(indent + "}");
    }

    private static String rpc(MethodDescriptor m) {
        return "rpc " + m.getName() + "(" + (m.isClientStreaming() ? "stream " : "") + "."
                + m.getInputType().getFullName() + ") returns (" + (m.isServerStreaming() ? "stream " : "") + "."
                + m.getOutputType().getFullName() + ");";
    }

    private static String field(FieldDescriptor f) {
        String label = "";
        if (f.isMapField()) {
            FieldDescriptor key = f.getMessageType().findFieldByNumber(1);
            FieldDescriptor value = f.getMessageType().findFieldByNumber(2);
            return "map<" + type(key) + ", " + type(value) + "> " + f.getName() + " = " + f.getNumber() + ";";
        }
        if (f.isRepeated()) {
            label = "repeated ";
        } else if (f.isRequired()) {
            label = "required ";
        } else if (f.getRealContainingOneof() == null && (f.toProto().getProto3Optional() || isProto2(f.getFile()))) {
            label = "optional ";
        }
        return label + type(f) + " " + f.getName() + " = " + f.getNumber() + ";";
    }

    private static boolean isProto2(FileDescriptor file) {
        String syntax = file.toProto().getSyntax();
        return syntax.isEmpty() || syntax.equals("proto2");
    }

    private static String type(FieldDescriptor f) {
        return switch (f.getType()) {
            case MESSAGE, GROUP -> "." + f.getMessageType().getFullName();
            case ENUM -> "." + f.getEnumType().getFullName();
            default -> f.getType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
