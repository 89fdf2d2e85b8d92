package dev.conduit.rpc.compiler;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FeatureSet;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.JavaFeaturesProto;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures.NestInFileClassFeature.NestInFileClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java class names that protoc's {@code java_out} gives to proto message types, so that generated stubs can
 * refer to them. Follows protoc's rules: {@code java_package}, {@code java_outer_classname} (or the camel-cased file
 * name, with {@code OuterClass} appended on a clash before edition 2024, {@code Proto} appended from 2024), {@code
 * java_multiple_files}, and from edition 2024 the {@code pb.java} features {@code nest_in_file_class} and {@code
 * use_old_outer_classname_default}.
 */
final class ProtoTypes {
    /** Fully qualified proto name ({@code .pkg.Outer.Inner}) to Java name ({@code com.x.Outer.Inner}). */
    private final Map<String, String> javaNames = new HashMap<>();

    /** Files by name, for the Java package of services. */
    private final Map<String, FileDescriptorProto> files = new HashMap<>();

    ProtoTypes(List<FileDescriptorProto> allFiles) {
        for (FileDescriptorProto file : allFiles) {
            files.put(file.getName(), file);
            String protoPrefix = file.getPackage().isEmpty() ? "." : "." + file.getPackage() + ".";
            String javaPackage = javaPackage(file);
            String outer = outerClassName(file);
            for (DescriptorProto message : file.getMessageTypeList()) {
                String container = nestedInFileClass(file, message.getOptions().getFeatures())
                        ? qualify(javaPackage, outer)
                        : javaPackage;
                addMessage(protoPrefix, container, message);
            }
            for (EnumDescriptorProto e : file.getEnumTypeList()) {
                String container = nestedInFileClass(file, e.getOptions().getFeatures())
                        ? qualify(javaPackage, outer)
                        : javaPackage;
                javaNames.put(protoPrefix + e.getName(), qualify(container, e.getName()));
            }
        }
    }

    private void addMessage(String protoPrefix, String javaContainer, DescriptorProto message) {
        String protoName = protoPrefix + message.getName();
        String javaName = qualify(javaContainer, message.getName());
        javaNames.put(protoName, javaName);
        for (DescriptorProto nested : message.getNestedTypeList()) {
            addMessage(protoName + ".", javaName, nested);
        }
        for (EnumDescriptorProto e : message.getEnumTypeList()) {
            javaNames.put(protoName + "." + e.getName(), javaName + "." + e.getName());
        }
    }

    /** The Java name of a proto type named as in descriptors ({@code .pkg.Message}). */
    String javaName(String protoTypeName, String usedIn) {
        String name = javaNames.get(protoTypeName);
        if (name == null) {
            throw new GeneratorException(
                    usedIn + ": type " + protoTypeName + " is not defined in any file protoc gave");
        }
        return name;
    }

    /** The Java package of a file's generated classes. */
    static String javaPackage(FileDescriptorProto file) {
        return file.getOptions().hasJavaPackage() ? file.getOptions().getJavaPackage() : file.getPackage();
    }

    private static Edition edition(FileDescriptorProto file) {
        return switch (file.getSyntax()) {
            case "editions" -> file.getEdition();
            case "proto3" -> Edition.EDITION_PROTO3;
            default -> Edition.EDITION_PROTO2;
        };
    }

    private static boolean from2024(FileDescriptorProto file) {
        Edition e = edition(file);
        return e.getNumber() >= Edition.EDITION_2024.getNumber() && e != Edition.EDITION_UNKNOWN;
    }

    static String outerClassName(FileDescriptorProto file) {
        if (file.getOptions().hasJavaOuterClassname()) {
            return file.getOptions().getJavaOuterClassname();
        }
        String base = file.getName().substring(file.getName().lastIndexOf('/') + 1);
        if (base.endsWith(".proto")) {
            base = base.substring(0, base.length() - ".proto".length());
        }
        String name = JavaNames.camelCase(base, true);
        if (!useOldOuterClassNameDefault(file)) {
            return name + "Proto";
        }
        return clashes(file, name) ? name + "OuterClass" : name;
    }

    private static boolean useOldOuterClassNameDefault(FileDescriptorProto file) {
        if (!from2024(file)) {
            return true;
        }
        FeatureSet features = file.getOptions().getFeatures();
        if (features.hasExtension(JavaFeaturesProto.java_)) {
            var java = features.getExtension(JavaFeaturesProto.java_);
            if (java.hasUseOldOuterClassnameDefault()) {
                return java.getUseOldOuterClassnameDefault();
            }
        }
        return false;
    }

    private static boolean nestedInFileClass(FileDescriptorProto file, FeatureSet typeFeatures) {
        NestInFileClass nest = nestFeature(typeFeatures);
        if (nest == null) {
            nest = nestFeature(file.getOptions().getFeatures());
        }
        if (nest == null || nest == NestInFileClass.LEGACY || nest == NestInFileClass.NEST_IN_FILE_CLASS_UNKNOWN) {
            if (from2024(file) && nest == null) {
                return false;
            }
            return !file.getOptions().getJavaMultipleFiles();
        }
        return nest == NestInFileClass.YES;
    }

    private static NestInFileClass nestFeature(FeatureSet features) {
        if (features.hasExtension(JavaFeaturesProto.java_)) {
            var java = features.getExtension(JavaFeaturesProto.java_);
            if (java.hasNestInFileClass()) {
                return java.getNestInFileClass();
            }
        }
        return null;
    }

    private static boolean clashes(FileDescriptorProto file, String name) {
        for (EnumDescriptorProto e : file.getEnumTypeList()) {
            if (e.getName().equals(name)) {
                return true;
            }
        }
        for (var s : file.getServiceList()) {
            if (s.getName().equals(name)) {
                return true;
            }
        }
        for (DescriptorProto m : file.getMessageTypeList()) {
            if (messageClashes(m, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean messageClashes(DescriptorProto message, String name) {
        if (message.getName().equals(name)) {
            return true;
        }
        for (DescriptorProto nested : message.getNestedTypeList()) {
            if (messageClashes(nested, name)) {
                return true;
            }
        }
        for (EnumDescriptorProto e : message.getEnumTypeList()) {
            if (e.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static String qualify(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
