package no.vakt.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Where the last whole event of a binlog being written ends, walked from a known event boundary by the events'
 * own lengths (the 19-byte header's event_size, checksum included). What is archived of an active binlog stops
 * there, so a restore never reads half an event.
 */
final class EventBoundary {
    static final int MAGIC = 4;
    private static final int WINDOW = 64 * 1024;

    private EventBoundary() {}

    /**
     * @param from an event boundary (or {@link #MAGIC}, the first) at or before {@code size}
     * @param size how much of the file to consider (what was written when it was looked at)
     */
    static long last(FileChannel file, long from, long size) throws IOException {
        if (size < MAGIC) return 0;
        long at = Math.max(from, MAGIC);
        ByteBuffer window = ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
        long windowAt = -1;
        while (at + BinlogHeader.HEADER <= size) {
            if (windowAt < 0 || at + BinlogHeader.HEADER > windowAt + window.limit()) {
                window.clear();
                windowAt = at;
                while (window.hasRemaining() && file.read(window, windowAt + window.position()) > 0) {
                    // fill the window as far as the file goes
                }
                window.flip();
                if (window.limit() < BinlogHeader.HEADER) break;
            }
            long eventSize = window.getInt((int) (at - windowAt) + BinlogHeader.SIZE_AT) & 0xffffffffL;
            if (eventSize < BinlogHeader.HEADER) throw new IOException("not a binlog event at byte " + at + " (event size " + eventSize + ")");
            if (at + eventSize > size) break;
            at += eventSize;
        }
        return at;
    }
}
