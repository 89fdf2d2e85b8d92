package dev.conduit.core.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The hand-off slot against a local close: the transport's thread leaves a message in the slot (pull mode, nothing
 * queued) while a user closes the channel. A local close drops what is undelivered, so afterwards the slot is empty,
 * {@code receive} reports the close, and a handler set then gets the close alone. A filler that did not look at the
 * close after filling would leave the message in the slot.
 */
@JCStressTest
@Description("hand-off slot vs local close: the close drops the message; nothing stays in the slot")
@Outcome(id = "closed C", expect = ACCEPTABLE, desc = "the message was dropped with the close")
@Outcome(expect = FORBIDDEN, desc = "the message was received or delivered after the close, or left in the slot")
@State
public class HandoffVsCloseStress {
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

    @Arbiter
    public void arbiter(L_Result r) {
        String slot = StressChannels.slotFilled(channel) ? "+slot " : "";
        String received;
        try {
            received = "received " + channel.receive(Duration.ZERO);
        } catch (ChannelClosedException e) {
            received = "closed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            received = "interrupted";
        }
        channel.onMessage(handler, Channel.DIRECT);
        channel.onClosed(CloseReason.LOCAL); // the link reports the close it was asked for
        r.r1 = slot + received + " " + handler.outcome();
    }
}
