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
 * The drain flag against the direct fast path and {@code finishInline}: a message waits in the hand-off slot when a
 * user sets a direct handler, whose delivery then runs on the user's thread, while the transport's thread delivers
 * two more frames (through the locked path, inline, or straight to the direct handler). Every message is handled once,
 * in order, never two at once: the flag lets one thread deliver at a time.
 */
@JCStressTest
@Description("drain flag vs finishInline: three messages, each once, in order, never concurrently")
@Outcome(id = "abc", expect = ACCEPTABLE, desc = "in order, one at a time")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered, or delivered concurrently ('!')")
@State
public class DrainVsFinishInlineStress {
    private final DefaultChannel<String> channel = StressChannels.open();
    private final Deliveries handler = new Deliveries();

    public DrainVsFinishInlineStress() {
        channel.onFrame(StressChannels.frame("a")); // pull mode: into the hand-off slot
    }

    @Actor
    public void user() {
        channel.onMessage(handler, Channel.DIRECT);
    }

    @Actor
    public void transport() {
        channel.onFrame(StressChannels.frame("b"));
        channel.onFrame(StressChannels.frame("c"));
    }

    @Arbiter
    public void arbiter(L_Result r) {
        r.r1 = handler.outcome();
    }
}
