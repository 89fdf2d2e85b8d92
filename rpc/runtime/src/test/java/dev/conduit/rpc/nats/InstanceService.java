package dev.conduit.rpc.nats;

import com.google.protobuf.StringValue;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ServiceDefinition;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that says which instance answered: {@code Name} at once, {@code Hold} after the milliseconds its request
 * names (a call that stays in flight), so that tests can see where calls went.
 */
public final class InstanceService {
    private InstanceService() {}

    public static final MethodDescriptor<StringValue, StringValue> NAME = method("Name");
    static final MethodDescriptor<StringValue, StringValue> HOLD = method("Hold");

    public static ServiceDefinition definition(String name, ScheduledExecutorService timer) {
        return definition(name, timer, new AtomicInteger());
    }

    /** The service of instance {@code name}; {@code holding} counts its {@code Hold} calls in flight. */
    static ServiceDefinition definition(String name, ScheduledExecutorService timer, AtomicInteger holding) {
        return ServiceDefinition.builder("conduit.test.Instance")
                .unary(NAME, (req, out) -> {
                    out.onNext(StringValue.of(name));
                    out.onCompleted();
                })
                .unary(HOLD, (req, out) -> {
                    holding.incrementAndGet();
                    timer.schedule(
                            () -> {
                                holding.decrementAndGet();
                                out.onNext(StringValue.of(name));
                                out.onCompleted();
                            },
                            Long.parseLong(req.getValue()),
                            TimeUnit.MILLISECONDS);
                })
                .build();
    }

    private static MethodDescriptor<StringValue, StringValue> method(String name) {
        return MethodDescriptor.protobuf(
                "conduit.test.Instance/" + name,
                MethodType.UNARY,
                StringValue.getDefaultInstance(),
                StringValue.getDefaultInstance());
    }
}
