package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The archive's pure decisions: where a stream resumes, what a restore decodes across seams, what prune removes. */
class ArchiveStitchTest {
    private static final ArchiveTimeline TWO_NODES = new ArchiveTimeline(List.of(new ArchiveTimeline.Segment("oslo", ""),
            new ArchiveTimeline.Segment("bergen", "0-1-50")), "0-2-80", Instant.EPOCH, "", null);

    @Test
    void aRestoreDecodesEachNodeBetweenItsSeamsAndStopsInTheSegmentOfItsGtid() {
        assertThat(ArchiveReplay.plan(TWO_NODES, "0-1-10", new RestoreTarget.Latest())).containsExactly(
                new ArchiveReplay.Piece("oslo", "0-1-10", "0-1-50"), new ArchiveReplay.Piece("bergen", "0-1-50", ""));
        assertThat(ArchiveReplay.plan(TWO_NODES, "0-1-60", new RestoreTarget.Latest())).as("a backup after the seam needs only bergen")
                .containsExactly(new ArchiveReplay.Piece("bergen", "0-1-60", ""));
        assertThat(ArchiveReplay.plan(TWO_NODES, "0-1-10", new RestoreTarget.ToGtid("0-1-30")))
                .containsExactly(new ArchiveReplay.Piece("oslo", "0-1-10", "0-1-30"));
        assertThat(ArchiveReplay.plan(TWO_NODES, "0-1-10", new RestoreTarget.ToGtid("0-2-70"))).containsExactly(
                new ArchiveReplay.Piece("oslo", "0-1-10", "0-1-50"), new ArchiveReplay.Piece("bergen", "0-1-50", "0-2-70"));
        assertThat(ArchiveReplay.later(no.vakt.cluster.GtidPosition.parse("0-1-5,1-1-9"), no.vakt.cluster.GtidPosition.parse("0-2-7")))
                .isEqualTo("0-2-7,1-1-9");
    }

    @Test
    void aFailoverThatLostTransactionsMovesTheSeamBackToWhatTheNewPrimaryHadApplied() {
        assertThat(Seam.choose("0-1-50", "0-1-50", "0-1-50,0-2-60")).as("a clean switchover: what is archived")
                .isEqualTo(new Seam("0-1-50", List.of()));
        assertThat(Seam.choose("0-1-50", "0-1-70", "0-2-80")).as("the archive lagged: it resumes from what it has")
                .isEqualTo(new Seam("0-1-50", List.of()));
        // Promoted at 0-1-45 and already written 0-2-46..53: its binlog position alone would hide the loss.
        Seam lost = Seam.choose("0-1-50,1-1-7", "0-1-45,1-1-7", "0-2-53,1-1-7");
        assertThat(lost.after()).isEqualTo("0-1-45,1-1-7");
        assertThat(lost.lost()).extracting(Object::toString).containsExactly("0-1-50");
        assertThat(Seam.choose("0-1-50", "", "0-1-40")).as("never replicated: its binlog position").isEqualTo(
                new Seam("0-1-40", List.of(new no.vakt.cluster.GtidPosition.Gtid(0, 1, 50))));

        // The restore replays oslo up to the moved seam and bergen after it: the lost 0-1-46..50 are not replayed.
        ArchiveTimeline t = new ArchiveTimeline(List.of(new ArchiveTimeline.Segment("oslo", "")), "0-1-50", Instant.EPOCH, "", null)
                .following("bergen", lost.after());
        assertThat(t.coveredGtid()).isEqualTo("0-1-45,1-1-7");
        assertThat(ArchiveReplay.plan(t, "0-1-10", new RestoreTarget.Latest())).containsExactly(
                new ArchiveReplay.Piece("oslo", "0-1-10", "0-1-45,1-1-7"), new ArchiveReplay.Piece("bergen", "0-1-45,1-1-7", ""));
        assertThat(t.following("bergen", "0-9-9")).as("already following bergen").isSameAs(t);
    }

    @Test
    void aOneShotRoundExtendsTheTimelineAsTheStreamWouldWithoutMovingItBack() {
        Instant at = Instant.ofEpochSecond(100);
        ArchiveTimeline first = ArchiveTimeline.EMPTY.afterRound("oslo", "", "0-1-20", at);
        assertThat(first.segments()).containsExactly(new ArchiveTimeline.Segment("oslo", ""));
        assertThat(first.coveredGtid()).isEqualTo("0-1-20");
        // A stale timeline after a failover: the round of the new primary is a new segment, then what it copied.
        ArchiveTimeline after = first.afterRound("bergen", "0-1-20", "0-2-31", at.plusSeconds(60));
        assertThat(after.segments()).containsExactly(new ArchiveTimeline.Segment("oslo", ""), new ArchiveTimeline.Segment("bergen", "0-1-20"));
        assertThat(after.coveredGtid()).isEqualTo("0-2-31");
        assertThat(after.coveredAt()).isEqualTo(at.plusSeconds(60));
        assertThat(after.afterRound("bergen", "", "0-2-25", at.plusSeconds(90))).as("a stream went further: kept").isEqualTo(after);
    }

    @Test
    void theStreamResumesAtTheNewestBinlogBeginningInsideTheArchiveElseItIsAGap() {
        List<ResumePoint.ServerBinlog> onServer = List.of(new ResumePoint.ServerBinlog("b.000003", "0-1-40"),
                new ResumePoint.ServerBinlog("b.000004", "0-1-50,0-2-55"), new ResumePoint.ServerBinlog("b.000005", "0-2-90"));
        assertThat(ResumePoint.choose("bergen", onServer, "")).isEqualTo(new ResumePoint.Start("b.000003"));
        assertThat(ResumePoint.choose("bergen", onServer, "0-2-60")).isEqualTo(new ResumePoint.Start("b.000004"));
        assertThat(ResumePoint.choose("bergen", onServer, "0-1-30")).isInstanceOfSatisfying(ResumePoint.Gap.class,
                g -> assertThat(g.describe()).contains("b.000003 begins after GTID 0-1-40", "archive ends at 0-1-30"));
    }

    @Test
    void pruneRemovesFilesWhoseSuccessorBeginsInsideTheOldestKeptBackupNeverTheNewest() {
        assertThat(ArchivePrune.removable(List.of("", "0-1-10", "0-1-20", "0-1-30"), "0-1-25")).containsExactly(0, 1);
        assertThat(ArchivePrune.removable(List.of("", "0-1-10"), "0-1-99")).containsExactly(0);
        assertThat(ArchivePrune.removable(List.of("", "0-1-10", "", "0-1-30"), "0-1-99")).as("unreadable: kept from there")
                .containsExactly(0);
        assertThat(ArchivePrune.removable(List.of("", "0-1-10"), "")).isEmpty();
    }

    @Test
    void coverageAdvancesToTheNewestSampleTheArchiveHolds() {
        ArchiveCoverage c = new ArchiveCoverage();
        c.add(new ArchiveCoverage.Sample("b.1", 100, "0-1-1", Instant.ofEpochSecond(1)));
        c.add(new ArchiveCoverage.Sample("b.1", 200, "0-1-2", Instant.ofEpochSecond(2)));
        c.add(new ArchiveCoverage.Sample("b.2", 50, "0-1-3", Instant.ofEpochSecond(3)));
        assertThat(c.advance(f -> f.equals("b.1") ? 150 : -1)).map(ArchiveCoverage.Sample::gtid).contains("0-1-1");
        assertThat(c.advance(f -> f.equals("b.1") ? 150 : -1)).isEmpty();
        assertThat(c.advance(f -> f.equals("b.1") ? 300 : 60)).map(ArchiveCoverage.Sample::gtid).contains("0-1-3");
    }

    @Test
    void theGtidListIsReadFromTheBinlogsHeader() throws Exception {
        // Magic, a 19-byte header of an event of another type (size 19 + 2), then a Gtid_list event with two GTIDs.
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xfe, 'b', 'i', 'n'});
        b.write(header(15, 21));
        b.write(new byte[2]);
        b.write(header(163, 19 + 4 + 32));
        b.write(le(2, 4));
        b.write(le(0, 4));
        b.write(le(1, 4));
        b.write(le(65, 8));
        b.write(le(0, 4));
        b.write(le(2, 4));
        b.write(le(95, 8));
        assertThat(BinlogHeader.startsAfter(new ByteArrayInputStream(b.toByteArray()))).isEqualTo("0-1-65,0-2-95");
        assertThat(BackupView.of(new LocalRepository(java.nio.file.Files.createTempDirectory("v")), Optional.empty(), Instant.EPOCH).state())
                .isEqualTo("none");
    }

    @Test
    void aRestoreFetchesTheBinlogsFromTheNewestThatBeginsInsideTheBackupOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        LocalRepository repo = new LocalRepository(dir.resolve("repo"));
        String[] starts = {"", "0-1-10", "0-1-20"};
        for (int i = 0; i < starts.length; i++) {
            try (var out = repo.create("binlog/oslo/b.00000" + (i + 1))) {
                out.write(binlogBeginningAfter(starts[i]));
            }
        }
        // The active one, as a chunk.
        byte[] active = binlogBeginningAfter("0-1-30");
        try (var out = repo.create(new ArchiveChunk(0, active.length, 0).key("oslo", "b.000004"))) {
            out.write(active);
        }
        ArchiveReplay replay = new ArchiveReplay(repo, java.time.Duration.ofSeconds(10));
        assertThat(replay.fetch("oslo", "0-1-25", dir.resolve("w1"))).extracting(p -> p.getFileName().toString())
                .containsExactly("b.000003", "b.000004");
        assertThat(replay.fetch("oslo", "0-1-5", dir.resolve("w2"))).as("before the second begins: all").hasSize(4);
        assertThat(replay.fetch("oslo", "", dir.resolve("w3"))).as("from the start").hasSize(4);
        assertThat(dir.resolve("w1/binlog-oslo/b.000004")).hasBinaryContent(active);
    }

    /** The magic, an event of another type, then a Gtid_list event of {@code position} (one GTID or none). */
    private static byte[] binlogBeginningAfter(String position) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xfe, 'b', 'i', 'n'});
        b.write(header(15, 21));
        b.write(new byte[2]);
        boolean one = !position.isEmpty();
        b.write(header(163, 19 + 4 + (one ? 16 : 0)));
        b.write(le(one ? 1 : 0, 4));
        if (one) {
            String[] g = position.split("-");
            b.write(le(Long.parseLong(g[0]), 4));
            b.write(le(Long.parseLong(g[1]), 4));
            b.write(le(Long.parseLong(g[2]), 8));
        }
        return b.toByteArray();
    }

    private static byte[] header(int type, long size) {
        byte[] h = new byte[19];
        h[4] = (byte) type;
        System.arraycopy(le(size, 4), 0, h, 9, 4);
        return h;
    }

    private static byte[] le(long v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = (byte) (v >>> (8 * i));
        return out;
    }
}
