package no.vakt.backup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stretch of a binlog that is still being written, archived as an object of its own
 * ({@code binlog-chunks/NODE/FILE/START-END-LEVEL}, byte offsets of the plain binlog): objects cannot be appended
 * to on S3 (or when encrypted), so the active binlog goes up as chunks and whole once it is rotated. Chunks are
 * merged as they pile up (sixteen of one level into one of the next), so a binlog that lives for days is a few
 * dozen objects, and each byte goes up a handful of times at most. Pure.
 */
record ArchiveChunk(long start, long end, int level) {
    static final String PREFIX = "binlog-chunks";
    /** How many chunks of one level make one of the next. */
    static final int FANOUT = 16;
    private static final Pattern NAME = Pattern.compile("(\\d{16})-(\\d{16})-(\\d{1,2})");

    ArchiveChunk {
        if (start < 0 || end <= start || level < 0) throw new IllegalArgumentException("not a chunk: " + start + "-" + end + " level " + level);
    }

    static String dir(String node, String file) {
        return PREFIX + "/" + node + "/" + file;
    }

    String key(String node, String file) {
        return dir(node, file) + "/" + String.format("%016d-%016d-%d", start, end, level);
    }

    /** The chunk a key names; empty for anything else (a leftover, a stranger's file). */
    static Optional<ArchiveChunk> parse(String key) {
        Matcher m = NAME.matcher(key.substring(key.lastIndexOf('/') + 1));
        if (!m.matches()) return Optional.empty();
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        if (end <= start) return Optional.empty();
        return Optional.of(new ArchiveChunk(start, end, Integer.parseInt(m.group(3))));
    }

    /**
     * The chunks that make the binlog from its first byte, in order, reaching as far as any chain of them does:
     * merged and unmerged chunks of the same bytes may both be there (a merge is uploaded before the chunks it
     * replaces are removed), and two writers may have cut the same bytes differently. Stops at the first hole.
     */
    static List<ArchiveChunk> path(Collection<ArchiveChunk> chunks) {
        TreeMap<Long, List<ArchiveChunk>> byStart = new TreeMap<>();
        for (ArchiveChunk c : chunks) byStart.computeIfAbsent(c.start, k -> new ArrayList<>()).add(c);
        // From the last start back: how far each offset reaches, and by which chunk.
        Map<Long, Long> reach = new HashMap<>();
        Map<Long, ArchiveChunk> via = new HashMap<>();
        for (Map.Entry<Long, List<ArchiveChunk>> e : byStart.descendingMap().entrySet()) {
            for (ArchiveChunk c : e.getValue()) {
                long r = reach.getOrDefault(c.end, c.end);
                long best = reach.getOrDefault(e.getKey(), e.getKey());
                // As far, in fewer objects: the longer chunk.
                if (r > best || (r == best && via.containsKey(e.getKey()) && c.end > via.get(e.getKey()).end)) {
                    reach.put(e.getKey(), r);
                    via.put(e.getKey(), c);
                }
            }
        }
        List<ArchiveChunk> out = new ArrayList<>();
        for (ArchiveChunk c = via.get(0L); c != null; c = via.get(c.end)) out.add(c);
        return out;
    }

    /** Where the path ends: how many bytes of the binlog the chunks hold. */
    static long end(List<ArchiveChunk> path) {
        return path.isEmpty() ? 0 : path.get(path.size() - 1).end;
    }

    /** The tail of {@code path} to merge next: the last {@link #FANOUT} chunks when they are all of one level. */
    static Optional<List<ArchiveChunk>> toMerge(List<ArchiveChunk> path) {
        if (path.size() < FANOUT) return Optional.empty();
        List<ArchiveChunk> tail = path.subList(path.size() - FANOUT, path.size());
        int level = tail.get(0).level;
        if (tail.stream().anyMatch(c -> c.level != level)) return Optional.empty();
        return Optional.of(List.copyOf(tail));
    }

    /** The chunk that replaces {@code run}. */
    static ArchiveChunk merged(List<ArchiveChunk> run) {
        return new ArchiveChunk(run.get(0).start, run.get(run.size() - 1).end, run.get(0).level + 1);
    }
}
