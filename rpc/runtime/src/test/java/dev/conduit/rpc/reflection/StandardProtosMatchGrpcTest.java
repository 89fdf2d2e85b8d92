package dev.conduit.rpc.reflection;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.conduit.rpc.health.v1.HealthProto;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our health and reflection {@code .proto} files, written from gRPC's public definitions, describe exactly what
 * grpc-java's own copies do (its io.grpc classes, a test dependency only): file name, package, messages, fields with
 * their names, numbers, types and oneofs, enums, services and methods. Only options (the Java package) and comments
 * may differ, so a stock gRPC client and a Conduit server agree on every byte.
 */
class StandardProtosMatchGrpcTest {

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(HealthProto.getDescriptor(), io.grpc.health.v1.HealthProto.getDescriptor()),
                Arguments.of(
                        dev.conduit.rpc.reflection.v1.ServerReflectionProto.getDescriptor(),
                        io.grpc.reflection.v1.ServerReflectionProto.getDescriptor()),
                Arguments.of(
                        dev.conduit.rpc.reflection.v1alpha.ServerReflectionProto.getDescriptor(),
                        io.grpc.reflection.v1alpha.ServerReflectionProto.getDescriptor()));
    }

    /** The parts of a file that reach the wire or a reflection client's view, without options and comments. */
    private static FileDescriptorProto shape(FileDescriptor file) {
        FileDescriptorProto.Builder p =
                file.toProto().toBuilder().clearOptions().clearSourceCodeInfo();
        p.getMessageTypeBuilderList()
                .forEach(m -> m.clearOptions()
                        .getFieldBuilderList()
                        .forEach(f -> f.clearOptions().clearJsonName()));
        p.getServiceBuilderList()
                .forEach(s -> s.clearOptions().getMethodBuilderList().forEach(m -> m.clearOptions()));
        return p.build();
    }

    /**
     * Health without List: grpc-java 1.85.1 still ships health.proto from before gRPC added List; ours follows the
     * current public definition, which has it.
     */
    private static FileDescriptorProto withoutList(FileDescriptorProto health) {
        FileDescriptorProto.Builder b = health.toBuilder().clearMessageType();
        health.getMessageTypeList().stream()
                .filter(m -> !m.getName().startsWith("HealthList"))
                .forEach(b::addMessageType);
        var service = b.getServiceBuilder(0).clearMethod();
        health.getService(0).getMethodList().stream()
                .filter(m -> !m.getName().equals("List"))
                .forEach(service::addMethod);
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void ourProtoDescribesWhatGrpcsDoes(FileDescriptor ours, FileDescriptor grpcs) {
        FileDescriptorProto expected = shape(grpcs);
        FileDescriptorProto actual = shape(ours);
        if (ours == HealthProto.getDescriptor()) {
            assertThat(expected.getService(0).getMethodList())
                    .as("the grpc-java this test runs with has no List yet; if it has, drop withoutList")
                    .noneMatch(m -> m.getName().equals("List"));
            assertThat(actual.getService(0).getMethod(1).getName()).isEqualTo("List");
            actual = withoutList(actual);
        }
        assertThat(actual.getName()).isEqualTo(expected.getName());
        assertThat(actual.getPackage()).isEqualTo(expected.getPackage());
        assertThat(actual.getServiceList()).isEqualTo(expected.getServiceList());
        assertThat(actual.getEnumTypeList()).isEqualTo(expected.getEnumTypeList());
        assertThat(actual.getMessageTypeList()).isEqualTo(expected.getMessageTypeList());
        assertThat(actual).isEqualTo(expected);
    }
}
