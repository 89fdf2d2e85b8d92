package dev.conduit.core.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The hand-off slot against a local close and {@code onMessage} at once: the transport's thread leaves a message in
 * the slot, one user closes the channel, another sets a handler; then the link reports its close (on the transport's
 * thread, after the frame, as the {@code LinkListener} rule asks). The handler gets the message at most once and
 * before the close, and the close exactly once; nothing is left in the slot. Three actors: JCStress runs it only
 * on a machine with three CPUs or more (two-CPU machines run {@link HandoffVsCloseStress} and {@link
 * HandoffVsOnMessageStress}, its two halves).
 */
@JCStressTest
@Description("hand-off slot vs close vs onMessage: at most one delivery, before the close, and an empty slot")
@Outcome(id = "aC", expect = ACCEPTABLE, desc = "the message was delivered before the close")
@Outcome(id = "C", expect = ACCEPTABLE, desc = "the close dropped the message")
@Outcome(expect = FORBIDDEN, desc = "delivered twice, after the close, concurrently, no close, or left in the slot")
@State
public class HandoffVsCloseVsOnMessageStress {
    private final DefaultChannel<String> channel = StressChannels.open();
    private final Deliveries handler = new Deliveries();

    @Actor
    public void transport() {
        channel.onFrame(StressChannels.frame("a"));
    }

    @Actor
    public void closer() {
        channel.close();
    }

    @Actor
    public void user() {
        channel.onMessage(handler, Channel.DIRECT);
    }

    @Arbiter
    public void arbiter(L_Result r) {
        channel.onClosed(CloseReason.LOCAL);
        r.r1 = handler.outcome() + (StressChannels.slotFilled(channel) ? "+slot" : "");
    }
}
