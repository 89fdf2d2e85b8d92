package dev.conduit.ipc.pipe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void splitsOnWhitespaceAndHonoursQuotesAndBackslashes() {
        assertThat(CommandLine.split("  python3   worker.py --n 3 "))
                .containsExactly("python3", "worker.py", "--n", "3");
        assertThat(CommandLine.split("echo 'a b' \"c \\\"d\\\" e\" f\\ g h'i'j"))
                .containsExactly("echo", "a b", "c \"d\" e", "f g", "hij");
        assertThat(CommandLine.split("x '' y")).containsExactly("x", "", "y");
    }

    @Test
    void joinIsReadBackAsTheSameWords() {
        List<String> words = List.of("java", "-cp", "/a b/c.jar", "it's", "\"q\"", "", "back\\slash");
        assertThat(CommandLine.split(CommandLine.join(words))).isEqualTo(words);
    }

    @Test
    void thePublicHelperQuotesForTheCmdOption() {
        List<String> words = List.of("/opt/my java/bin/java", "-cp", "a.jar:b c.jar", "app.Main", "it's");
        String line = dev.conduit.ipc.Pipes.commandLine(words);
        assertThat(line).isEqualTo("'/opt/my java/bin/java' -cp 'a.jar:b c.jar' app.Main 'it'\\''s'");
        assertThat(CommandLine.split(line)).isEqualTo(words);
        assertThatThrownBy(() -> dev.conduit.ipc.Pipes.commandLine(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one word");
    }

    @Test
    void malformedLinesAreRejectedSayingWhy() {
        assertThatThrownBy(() -> CommandLine.split("a 'b")).hasMessageContaining("unterminated '");
        assertThatThrownBy(() -> CommandLine.split("a \"b")).hasMessageContaining("unterminated \"");
        assertThatThrownBy(() -> CommandLine.split("a\\")).hasMessageContaining("trailing backslash");
        assertThatThrownBy(() -> CommandLine.split("   ")).hasMessageContaining("no command");
    }
}
