package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CurrentCallTest {

    @Test
    void noCallIsCurrentOutsideACallback() {
        assertThatThrownBy(() -> CurrentCall.get(String.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("works inside handlers only");
    }

    @Test
    void aCachedSlotServesOnlyTheThreadItBelongsTo() throws Exception {
        CurrentCall.Slot mine = CurrentCall.slot(null);
        assertThat(CurrentCall.slot(mine)).isSameAs(mine);
        mine.current = "this thread's call";
        try {
            assertThat(CurrentCall.get(String.class)).isEqualTo("this thread's call");
            CompletableFuture<String> elsewhere = CompletableFuture.supplyAsync(() -> {
                CurrentCall.Slot other = CurrentCall.slot(mine); // a call whose last callback ran on the test thread
                assertThat(other).isNotSameAs(mine);
                other.current = "the other thread's call";
                try {
                    return CurrentCall.get(String.class);
                } finally {
                    other.current = null;
                }
            });
            assertThat(elsewhere.get(10, TimeUnit.SECONDS)).isEqualTo("the other thread's call");
            assertThat(CurrentCall.get(String.class)).isEqualTo("this thread's call");
        } finally {
            mine.current = null;
        }
    }
}
