package no.vakt.filesync;

/** One operation for the receiver (see {@link Wire}); {@code path} is relative to the target directory. */
sealed interface Op {
    String path();

    record PutFile(String path, int mode, long mtimeNanos, int uid, int gid, byte[] data) implements Op {}

    record MakeDir(String path, int mode, long mtimeNanos, int uid, int gid) implements Op {}

    record PutLink(String path, String linkTarget, int uid, int gid) implements Op {}

    record Count(String path) implements Op {}

    record Remove(String path) implements Op {}

    /** The receiver's answer: {@code value} is what the operation counts (files created, counted, removed). */
    record Ack(boolean ok, long value, String error) {}
}
