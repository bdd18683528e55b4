package no.vakt.config;

import java.nio.file.Path;

/** One thing wrong with a config file, pointing at where it is. Line and column are 1-based, 0 when unknown. */
public record ConfigProblem(Path file, int line, int column, String field, String message) {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(file);
        if (line > 0) sb.append(':').append(line).append(':').append(column);
        sb.append(": ");
        if (field != null && !field.isEmpty()) sb.append(field).append(": ");
        return sb.append(message).toString();
    }
}
