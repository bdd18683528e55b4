package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveChunkTest {
    @Test
    void aKeyNamesItsChunkAndNothingElseParses() {
        ArchiveChunk c = new ArchiveChunk(4, 1234, 2);
        String key = c.key("oslo-db", "mysql-bin.000007");
        assertThat(key).isEqualTo("binlog-chunks/oslo-db/mysql-bin.000007/0000000000000004-0000000000001234-2");
        assertThat(ArchiveChunk.parse(key)).contains(c);
        assertThat(ArchiveChunk.parse("binlog-chunks/oslo-db/mysql-bin.000007/notes.txt")).isEmpty();
        assertThat(ArchiveChunk.parse("x/0000000000000009-0000000000000009-0")).as("empty").isEmpty();
    }

    @Test
    void thePathRunsFromTheFirstByteToTheFirstHole() {
        ArchiveChunk a = new ArchiveChunk(0, 100, 0);
        ArchiveChunk b = new ArchiveChunk(100, 150, 0);
        ArchiveChunk afterHole = new ArchiveChunk(200, 250, 0);
        assertThat(ArchiveChunk.path(List.of(afterHole, b, a))).containsExactly(a, b);
        assertThat(ArchiveChunk.end(ArchiveChunk.path(List.of(afterHole, b, a)))).isEqualTo(150);
        assertThat(ArchiveChunk.path(List.of(b))).as("nothing from byte 0").isEmpty();
    }

    @Test
    void aMergedChunkAndTheChunksItReplacesGiveOnePath() {
        List<ArchiveChunk> small = List.of(new ArchiveChunk(0, 10, 0), new ArchiveChunk(10, 20, 0), new ArchiveChunk(20, 30, 0));
        ArchiveChunk merged = new ArchiveChunk(0, 30, 1);
        List<ArchiveChunk> all = new ArrayList<>(small);
        all.add(merged);
        all.add(new ArchiveChunk(30, 40, 0));
        assertThat(ArchiveChunk.path(all)).containsExactly(merged, new ArchiveChunk(30, 40, 0));
    }

    @Test
    void twoWritersCuttingTheSameBytesDifferentlyReachAsFarAsEitherChain() {
        // The longest first chunk leads nowhere; the shorter one's chain goes on.
        List<ArchiveChunk> all = List.of(new ArchiveChunk(0, 100, 0), new ArchiveChunk(0, 50, 0), new ArchiveChunk(50, 200, 0));
        assertThat(ArchiveChunk.path(all)).containsExactly(new ArchiveChunk(0, 50, 0), new ArchiveChunk(50, 200, 0));
    }

    @Test
    void sixteenOfOneLevelMergeIntoOneOfTheNextAndMergesCascade() {
        List<ArchiveChunk> path = new ArrayList<>();
        for (int i = 0; i < ArchiveChunk.FANOUT - 1; i++) path.add(new ArchiveChunk(i * 10L, i * 10L + 10, 0));
        assertThat(ArchiveChunk.toMerge(path)).isEmpty();
        path.add(new ArchiveChunk(150, 160, 0));
        List<ArchiveChunk> run = ArchiveChunk.toMerge(path).orElseThrow();
        assertThat(run).hasSize(ArchiveChunk.FANOUT);
        assertThat(ArchiveChunk.merged(run)).isEqualTo(new ArchiveChunk(0, 160, 1));

        // Fifteen of level 1 then sixteen of level 0: the level 0 run merges, then the sixteen of level 1 do.
        List<ArchiveChunk> mixed = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < ArchiveChunk.FANOUT - 1; i++, at += 100) mixed.add(new ArchiveChunk(at, at + 100, 1));
        for (int i = 0; i < ArchiveChunk.FANOUT; i++, at += 10) mixed.add(new ArchiveChunk(at, at + 10, 0));
        int merges = 0;
        for (var r = ArchiveChunk.toMerge(mixed); r.isPresent(); r = ArchiveChunk.toMerge(mixed)) {
            List<ArchiveChunk> next = new ArrayList<>(mixed.subList(0, mixed.size() - r.get().size()));
            next.add(ArchiveChunk.merged(r.get()));
            mixed = next;
            merges++;
        }
        assertThat(merges).isEqualTo(2);
        assertThat(mixed).containsExactly(new ArchiveChunk(0, at, 2));
    }
}
