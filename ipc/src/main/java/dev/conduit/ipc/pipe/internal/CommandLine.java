package dev.conduit.ipc.pipe.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code cmd=} option into words the way a POSIX shell does, without expanding anything: whitespace separates
 * words, {@code '...'} keeps everything literally, {@code "..."} keeps everything but {@code \"} and {@code \\}, and a
 * backslash outside quotes escapes the next character.
 */
public final class CommandLine {
    private CommandLine() {}

    /**
     * The words of {@code text}.
     *
     * @throws IllegalArgumentException for an unterminated quote, a trailing backslash or no words at all
     */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated ' at offset " + i);
                }
                word.append(text, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i = doubleQuoted(text, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("trailing backslash");
                }
                word.append(text.charAt(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no command");
        }
        return words;
    }

    /** Appends a {@code "..."} word starting at {@code open}; returns the index of the closing quote. */
    private static int doubleQuoted(String text, int open, StringBuilder word) {
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                c = text.charAt(++i);
            }
            word.append(c);
        }
        throw new IllegalArgumentException("unterminated \" at offset " + open);
    }

    /** The words joined back into a line that {@link #split} reads as the same words. */
    public static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (!w.isEmpty() && w.chars().noneMatch(c -> Character.isWhitespace(c) || "'\"\\".indexOf(c) >= 0)) {
                sb.append(w);
            } else {
                sb.append('\'').append(w.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
