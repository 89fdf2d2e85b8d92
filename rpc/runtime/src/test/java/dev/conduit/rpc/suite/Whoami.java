package dev.conduit.rpc.suite;

import com.google.protobuf.StringValue;
import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A one-method service that answers with the name it was given, to tell servers apart. */
final class Whoami {
    private Whoami() {}

    static final MethodDescriptor<StringValue, StringValue> METHOD = MethodDescriptor.protobuf(
            "conduit.test.Whoami/Name",
            MethodType.UNARY,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    static ServiceDefinition service(String name) {
        return service(name, () -> false);
    }

    /** Answers {@code name}, or fails with UNAVAILABLE while {@code failing}: a server that is up but sick. */
    static ServiceDefinition service(String name, BooleanSupplier failing) {
        return ServiceDefinition.builder("conduit.test.Whoami")
                .unary(METHOD, (req, out) -> {
                    if (failing.getAsBoolean()) {
                        out.onError(Status.UNAVAILABLE
                                .withDescription(name + " is failing on purpose")
                                .asException());
                        return;
                    }
                    out.onNext(StringValue.of(name));
                    out.onCompleted();
                })
                .build();
    }

    /**
     * Who answered each of {@code calls} calls made one after another (each with a deadline, so that a call no
     * endpoint takes fails the test rather than hangs it).
     */
    static List<String> names(CallFactory channel, int calls) {
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        List<String> names = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            names.add(ClientCalls.blockingUnary(channel, METHOD, options, StringValue.getDefaultInstance())
                    .getValue());
        }
        return names;
    }
}
