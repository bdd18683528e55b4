package no.vakt.traffic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One server line of {@code show servers state <backend>}. The numbers are HAProxy's (src/server.h,
 * "show servers state" format 1): srv_op_state 0 stopped, 1 starting, 2 running, 3 stopping;
 * srv_admin_state is a bit set where 0x01 forced, 0x02 inherited and 0x20 resolution maintenance
 * take the server out (0x04 only records that the config said "disabled"), and 0x08/0x10 drain it.
 */
record HaproxyServerState(String server, int opState, int adminState) {
    private static final int MAINT_MASK = 0x23;
    private static final int DRAIN_MASK = 0x18;

    boolean maint() {
        return (adminState & MAINT_MASK) != 0;
    }

    boolean drain() {
        return !maint() && (adminState & DRAIN_MASK) != 0;
    }

    /** Ready in the admin sense and up: takes new connections. */
    boolean up() {
        return !maint() && !drain() && opState == 2;
    }

    /** MAINT, DRAIN, UP, DOWN, STARTING or STOPPING: what {@code vakt traffic show} prints. */
    String label() {
        if (maint()) return "MAINT";
        if (drain()) return "DRAIN";
        return switch (opState) {
            case 0 -> "DOWN";
            case 1 -> "STARTING";
            case 2 -> "UP";
            case 3 -> "STOPPING";
            default -> "UNKNOWN(" + opState + ")";
        };
    }

    /**
     * Parses the answer for one backend: a version line, a "# be_id be_name srv_id srv_name ..." header,
     * then one line per server. Columns are found by the header's names so added columns do not matter.
     * Returns null when the answer is not a state dump (HAProxy's error text).
     */
    static Map<String, HaproxyServerState> parse(String answer, String backend) {
        String[] lines = answer.split("\n");
        String[] header = null;
        Map<String, HaproxyServerState> out = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                header = line.substring(1).trim().split("\\s+");
                continue;
            }
            if (header == null) {
                if (line.matches("\\d+")) continue; // format version
                return null;
            }
            String[] f = line.split("\\s+");
            String be = field(header, f, "be_name");
            if (be == null || !be.equals(backend)) continue;
            String name = field(header, f, "srv_name");
            String op = field(header, f, "srv_op_state");
            String admin = field(header, f, "srv_admin_state");
            if (name == null || op == null || admin == null) return null;
            try {
                out.put(name, new HaproxyServerState(name, Integer.parseInt(op), Integer.parseInt(admin)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return header == null ? null : out;
    }

    private static String field(String[] header, String[] fields, String name) {
        for (int i = 0; i < header.length && i < fields.length; i++) {
            if (header[i].equals(name)) return fields[i];
        }
        return null;
    }
}
