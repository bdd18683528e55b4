package no.vakt.drill;

import java.io.Writer;
import java.util.function.Consumer;

/** A writer that hands each whole line to {@code lines}: what rejoin and switchover print, re-indented for the drill's output. */
final class LineWriter extends Writer {
    private final Consumer<String> lines;
    private final StringBuilder line = new StringBuilder();

    LineWriter(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (cbuf[i] == '\n') {
                lines.accept(line.toString());
                line.setLength(0);
            } else {
                line.append(cbuf[i]);
            }
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
