package dev.conduit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The budget's decisions, without a transport: who may read on, and who gives up when two wait on each other. */
class InboundBudgetTest {
    private static final int MIB = 1 << 20;

    private final Conduit conduit = Conduit.create();
    private final InboundBudget budget = InboundBudget.of(conduit.transportContext());
    private final Endpoint endpoint = Endpoint.parse("inproc://budget?inboundBudget=1m&inboundBudgetWait=10ms");

    @AfterEach
    void close() {
        conduit.close();
    }

    @Test
    void twoConnectionsThatHoldEachOtherUpGiveUpOneAtATime() {
        InboundBudget.Account a = budget.account(endpoint);
        InboundBudget.Account b = budget.account(endpoint);
        assertThat(a.hold(800 << 10)).as("the first fits alone").isTrue();
        assertThat(b.hold(800 << 10))
                .as("the second takes the total past the budget")
                .isFalse();
        assertThat(a.fits()).as("and holds the first up too").isFalse();

        var first = a.giveUp(Duration.ofMillis(10));
        assertThat(first).as("the first to decide closes").isNotNull();
        assertThat(first.getMessage())
                .contains("inbound budget exhausted")
                .contains("over inboundBudget=" + MIB)
                .contains("waited 10 ms");
        assertThat(budget.held())
                .as("its charge is given back as it decides")
                .isEqualTo((800L << 10) - InboundBudget.ALLOWANCE);
        assertThat(b.giveUp(Duration.ofMillis(10)))
                .as("the second finds the room and reads on")
                .isNull();
        assertThat(b.fits()).isTrue();
    }

    @Test
    void aConnectionThatHoldsTheWholeTotalMayAlwaysReadOn() {
        InboundBudget.Account a = budget.account(endpoint);
        assertThat(a.hold(4L * MIB)).isTrue();
        assertThat(a.giveUp(Duration.ofMillis(10))).isNull();
        a.release();
        assertThat(budget.held()).isZero();
    }

    @Test
    void roomFreedByOneConnectionResumesTheOther() {
        InboundBudget.Account a = budget.account(endpoint);
        InboundBudget.Account b = budget.account(endpoint);
        a.hold(800 << 10);
        assertThat(b.hold(800 << 10)).isFalse();
        boolean[] resumed = {false};
        b.whenRoom(() -> resumed[0] = true);
        assertThat(resumed[0]).as("no room yet").isFalse();
        a.release();
        assertThat(resumed[0]).as("called back by the release").isTrue();
        assertThat(b.fits()).isTrue();
    }
}
