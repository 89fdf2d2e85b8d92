package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The fd check sees exactly what a test opened and left open, so that a leak check built on it can fail. */
class ResourceCheckTest {

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "only Linux lists a process's fds in /proc/self/fd")
    void aSocketOpenedAfterTheSnapshotIsSeenUntilItIsClosed() throws Exception {
        Map<Integer, String> before = ResourceCheck.fileDescriptors();
        assertThat(before).as("this JVM's own fds").isNotEmpty();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ResourceCheck.openedSince(before))
                    .as("fds opened since the snapshot")
                    .singleElement()
                    .asString()
                    .contains("socket:[");
        }
        assertThat(ResourceCheck.openedSince(before)).as("after the close").isEmpty();
    }
}
