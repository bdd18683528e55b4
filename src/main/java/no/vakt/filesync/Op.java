package no.vakt.filesync;

import java.nio.file.Path;

/** One operation for the receiver (see {@link Wire}); {@code path} is relative to the target directory. */
sealed interface Op {
    String path();

    /** {@code local} is streamed when sent, never held in memory: {@code length} bytes as it was stat'ed. */
    record PutFile(String path, Path local, int mode, long mtimeNanos, int uid, int gid, long length) implements Op {}

    record MakeDir(String path, int mode, long mtimeNanos, int uid, int gid) implements Op {}

    record PutLink(String path, String linkTarget, int uid, int gid) implements Op {}

    record Count(String path) implements Op {}

    record Remove(String path) implements Op {}

    /** How the receiver answered one operation. */
    enum Status {
        OK,
        /** It could not do it (no space, no permission, a read-only file system, a name it refuses...). */
        FAILED,
        /** It would have to delete {@code value} files to do it (a directory became a file, or the reverse): nothing done. */
        REPLACE,
        /** The file changed while it was read and was discarded on the target; it is sent again. */
        CHANGED
    }

    /** The receiver's answer: {@code value} is what the operation counts (files created, counted, removed, to replace). */
    record Ack(Status status, long value, String error) {
        boolean ok() {
            return status == Status.OK;
        }
    }
}
