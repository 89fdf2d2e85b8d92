package dev.conduit.core.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.conduit.core.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The hand-off slot against {@code onMessage}: the transport's thread leaves a message in the slot (pull mode, nothing
 * queued) while a user sets a handler. Whichever comes first, the handler must get the message exactly once; a filler
 * that did not look again after filling would leave it in the slot for good.
 */
@JCStressTest
@Description("hand-off slot vs onMessage: a message left in the slot while a handler is set is delivered once")
@Outcome(id = "a", expect = ACCEPTABLE, desc = "the handler got the message once")
@Outcome(expect = FORBIDDEN, desc = "the message was lost in the slot, delivered twice, or delivered concurrently")
@State
public class HandoffVsOnMessageStress {
    private final DefaultChannel<String> channel = StressChannels.open();
    private final Deliveries handler = new Deliveries();

    @Actor
    public void transport() {
        channel.onFrame(StressChannels.frame("a"));
    }

    @Actor
    public void user() {
        channel.onMessage(handler, Channel.DIRECT);
    }

    @Arbiter
    public void arbiter(L_Result r) {
        r.r1 = handler.outcome();
    }
}
