package dev.conduit.rpc.compiler;

import java.util.List;

/** Appends indented Java source lines; 4 spaces per level. */
final class SourceWriter {
    private final StringBuilder out = new StringBuilder();
    private int indent;

    /** Appends one line at the current indentation; an empty line stays empty. */
    SourceWriter line(String text) {
        if (!text.isEmpty()) {
            out.append("    ".repeat(indent));
        }
        out.append(text).append('\n');
        return this;
    }

    SourceWriter blank() {
        out.append('\n');
        return this;
    }

    /** Appends {@code text} and indents what follows: for lines ending with '{'. */
    SourceWriter open(String text) {
        line(text);
        indent++;
        return this;
    }

    /** Dedents, then appends {@code text}: for lines starting with '}'. */
    SourceWriter close(String text) {
        indent--;
        return line(text);
    }

    /** A javadoc block of {@code lines} followed by {@code extra} paragraphs; nothing if both are empty. */
    SourceWriter javadoc(List<String> lines, String... extra) {
        if (lines.isEmpty() && extra.length == 0) {
            return this;
        }
        line("/**");
        for (String l : lines) {
            line(l.isEmpty() ? " *" : " * " + l);
        }
        for (int i = 0; i < extra.length; i++) {
            boolean paragraph = i > 0 || !lines.isEmpty();
            if (paragraph) {
                line(" *");
            }
            line(" * " + (paragraph ? "<p>" : "") + extra[i]);
        }
        line(" */");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
