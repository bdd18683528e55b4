package no.vakt.backup;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The GTID position an archived binlog begins after, read from its Gtid_list event (the second or third event
 * of every MariaDB binlog) without decoding the rest: pruning must not read gigabytes.
 */
final class BinlogHeader {
    private static final int GTID_LIST_EVENT = 163;
    /** Every event's header: timestamp, type, server id, then its size (little-endian, 4 bytes at {@link #SIZE_AT}). */
    static final int HEADER = 19;
    static final int SIZE_AT = 9;

    private BinlogHeader() {}

    /** The position ("0-1-5,0-2-9"); empty when the file holds no Gtid_list event in its first events. */
    static String startsAfter(InputStream file) throws IOException {
        DataInputStream in = new DataInputStream(file);
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (magic[0] != (byte) 0xfe || magic[1] != 'b' || magic[2] != 'i' || magic[3] != 'n') throw new IOException("not a binlog");
        try {
            for (int event = 0; event < 5; event++) {
                byte[] h = new byte[HEADER];
                in.readFully(h);
                int type = h[4] & 0xff;
                long size = le(h, SIZE_AT, 4);
                if (type == GTID_LIST_EVENT) return gtids(in);
                in.skipNBytes(size - HEADER);
            }
        } catch (EOFException e) {
            return "";
        }
        return "";
    }

    private static String gtids(DataInputStream in) throws IOException {
        byte[] c = new byte[4];
        in.readFully(c);
        long count = le(c, 0, 4) & 0x0fffffffL;
        List<String> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            byte[] g = new byte[16];
            in.readFully(g);
            out.add(le(g, 0, 4) + "-" + le(g, 4, 4) + "-" + Long.toUnsignedString(le(g, 8, 8)));
        }
        return String.join(",", out);
    }

    private static long le(byte[] b, int off, int len) {
        long v = 0;
        for (int i = len - 1; i >= 0; i--) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }
}
