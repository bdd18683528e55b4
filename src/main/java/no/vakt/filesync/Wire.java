package no.vakt.filesync;

/**
 * The receiver protocol, spoken over the stdin/stdout of one long-lived ssh session (big-endian
 * {@code DataOutputStream} encoding). The sender writes operations; the receiver answers each with one
 * acknowledgement, in order, so many operations can be in flight on one round trip.
 *
 * <pre>
 * hello (receiver, once):  int MAGIC, int VERSION
 * FILE:    byte 'F', utf path, int mode, long mtimeNanos, int uid, int gid, long length, bytes,
 *          boolean complete (false: the file changed while it was read; the receiver discards it)
 * DIR:     byte 'D', utf path, int mode, long mtimeNanos, int uid, int gid
 * LINK:    byte 'L', utf path, utf linkTarget, int uid, int gid
 * COUNT:   byte 'N', utf path        -> value: files (non-directories) at or under path
 * REMOVE:  byte 'R', utf path        -> value: files removed
 * ack:     byte status (OK, FAILED, REPLACE), long value, [utf message unless OK]
 * </pre>
 * REPLACE: a FILE or LINK where the target has a directory holding files, or a DIR where it has a file:
 * nothing was changed, {@code value} is how many files the replacement would delete. The receiver never
 * deletes a tree on its own; the sender counts the deletion through the delete guard and sends REMOVE.
 * Paths are relative to the receiver's root, '/'-separated, never absolute and never with "..".
 * Only JDK classes: the receiver runs from the jar on the target with nothing else on the class path.
 */
final class Wire {
    static final int MAGIC = 0x564B5452; // "VKTR"
    static final int VERSION = 2; // 2: streamed FILE bodies, REPLACE
    static final byte FILE = 'F';
    static final byte DIR = 'D';
    static final byte LINK = 'L';
    static final byte COUNT = 'N';
    static final byte REMOVE = 'R';
    static final byte OK = 0;
    static final byte FAILED = 1;
    static final byte REPLACE = 2;
    /** Temporary files the receiver writes before the atomic rename; rsync excludes them. */
    static final String TEMP_PREFIX = ".vakt-tmp-";
    /** Where the first reconcile after a rejoin moves what only the target had (see DirectorySync). */
    static final String SAVED_PREFIX = ".vakt-saved-";

    private Wire() {}
}
