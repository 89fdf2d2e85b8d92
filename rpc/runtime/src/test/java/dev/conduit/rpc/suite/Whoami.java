package dev.conduit.rpc.suite;

import com.google.protobuf.StringValue;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ServiceDefinition;

/** A one-method service that answers with the name it was given, to tell servers apart. */
final class Whoami {
    private Whoami() {}

    static final MethodDescriptor<StringValue, StringValue> METHOD = MethodDescriptor.protobuf(
            "conduit.test.Whoami/Name",
            MethodType.UNARY,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    static ServiceDefinition service(String name) {
        return ServiceDefinition.builder("conduit.test.Whoami")
                .unary(METHOD, (req, out) -> {
                    out.onNext(StringValue.of(name));
                    out.onCompleted();
                })
                .build();
    }
}
