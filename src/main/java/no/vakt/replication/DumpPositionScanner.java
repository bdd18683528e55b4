package no.vakt.replication;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a dump stream byte by byte for the comment mariadb-dump --master-data=2 --gtid writes with
 * the GTID position of its snapshot: {@code -- SET GLOBAL gtid_slave_pos='0-1-42';} (near the end),
 * and notes the {@code -- CHANGE MASTER TO MASTER_USE_GTID} comment. Only the start of each line is
 * kept, so multi-megabyte INSERT lines cost nothing.
 */
final class DumpPositionScanner {
    private static final Pattern POSITION = Pattern.compile("^-- SET GLOBAL gtid_slave_pos='([0-9,\\- ]*)';");
    private static final String USE_GTID = "-- CHANGE MASTER TO MASTER_USE_GTID";
    private static final int KEEP = 160;

    private final byte[] head = new byte[KEEP];
    private int length;
    private String position;
    private boolean sawUseGtid;

    void accept(byte[] buffer, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                endOfLine();
            } else if (length < KEEP) {
                head[length++] = b;
            }
        }
    }

    /** Call at end of stream, for a last line without a newline. */
    void finish() {
        endOfLine();
    }

    private void endOfLine() {
        if (length > 3 && head[0] == '-' && head[1] == '-') {
            String line = new String(head, 0, length, StandardCharsets.UTF_8);
            Matcher m = POSITION.matcher(line);
            if (m.find()) position = m.group(1).replace(" ", "");
            if (line.startsWith(USE_GTID)) sawUseGtid = true;
        }
        length = 0;
    }

    /** The GTID position of the dump's snapshot, when the comment was seen. */
    Optional<String> position() {
        return Optional.ofNullable(position);
    }

    boolean sawUseGtid() {
        return sawUseGtid;
    }
}
