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
    void aCachedThreadStateServesOnlyTheThreadItBelongsTo() throws Exception {
        RpcThread mine = RpcThread.current();
        assertThat(RpcThread.current(mine)).isSameAs(mine);
        mine.currentCall = "this thread's call";
        try {
            assertThat(CurrentCall.get(String.class)).isEqualTo("this thread's call");
            CompletableFuture<String> elsewhere = CompletableFuture.supplyAsync(() -> {
                RpcThread other = RpcThread.current(mine); // a call whose last callback ran on the test thread
                assertThat(other).isNotSameAs(mine);
                other.currentCall = "the other thread's call";
                try {
                    return CurrentCall.get(String.class);
                } finally {
                    other.currentCall = null;
                }
            });
            assertThat(elsewhere.get(10, TimeUnit.SECONDS)).isEqualTo("the other thread's call");
            assertThat(CurrentCall.get(String.class)).isEqualTo("this thread's call");
        } finally {
            mine.currentCall = null;
        }
    }
}
