package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool going up, on binlog-shaped files (the magic, then events that carry their own length): only whole
 * events, rotated files whole with their chunks removed, chunks merged as they pile up, and what a restore reads
 * back byte for byte, encrypted too.
 */
class SpoolUploaderTest {
    private static final String NODE = "oslo-db";
    private static final String FIRST = "mysql-bin.000001";
    private static final String SECOND = "mysql-bin.000002";

    @TempDir
    Path dir;

    @Test
    void theActiveBinlogGoesUpAsChunksOfWholeEventsAndWholeOnceRotated() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        LocalRepository repo = new LocalRepository(dir.resolve("repo"));
        SpoolUploader up = new SpoolUploader(repo, NODE, spool);
        byte[] e1 = event(40), e2 = event(60), e3 = event(300);
        append(spool.resolve(FIRST), magic(), e1, e2, Arrays.copyOf(e3, 100));

        up.pass();
        long twoEvents = 4 + 40 + 60;
        assertThat(up.archivedBytes(FIRST)).as("half an event stays behind").isEqualTo(twoEvents);
        assertThat(repo.list(ArchiveChunk.dir(NODE, FIRST))).containsExactly(new ArchiveChunk(0, twoEvents, 0).key(NODE, FIRST));
        up.pass();
        assertThat(repo.list(ArchiveChunk.dir(NODE, FIRST))).as("nothing new: no chunk").hasSize(1);

        append(spool.resolve(FIRST), Arrays.copyOfRange(e3, 100, 300));
        up.pass();
        assertThat(up.archivedBytes(FIRST)).isEqualTo(twoEvents + 300);
        assertThat(readBack(repo, FIRST)).isEqualTo(Files.readAllBytes(spool.resolve(FIRST)));

        // Rotated: the next file exists, so the first is whole; it goes up whole and its chunks go.
        append(spool.resolve(SECOND), magic(), event(25));
        up.pass();
        assertThat(repo.exists(BinlogArchive.prefix(NODE) + "/" + FIRST)).isTrue();
        assertThat(repo.list(ArchiveChunk.dir(NODE, FIRST))).isEmpty();
        assertThat(Files.exists(spool.resolve(FIRST))).as("the spool keeps only what is not whole upstairs").isFalse();
        assertThat(up.archivedBytes(FIRST)).isEqualTo(Long.MAX_VALUE);
        assertThat(up.archivedBytes(SECOND)).isEqualTo(4 + 25);
        assertThat(new ArchivedBinlogs(repo).files(NODE)).extracting(ArchivedBinlogs.Stored::name).containsExactly(FIRST, SECOND);
    }

    @Test
    void aRotatedFileThatEndsInsideAnEventIsNotTakenForWhole() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        LocalRepository repo = new LocalRepository(dir.resolve("repo"));
        append(spool.resolve(FIRST), magic(), event(50), Arrays.copyOf(event(80), 30));
        append(spool.resolve(SECOND), magic(), event(25));
        new SpoolUploader(repo, NODE, spool).pass();
        assertThat(repo.exists(BinlogArchive.prefix(NODE) + "/" + FIRST)).isFalse();
        assertThat(Files.exists(spool.resolve(FIRST))).isTrue();
    }

    @Test
    void chunksMergeAsTheyPileUpAndANewUploaderCarriesOnFromTheRepository() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        SealedRepository repo = new SealedRepository(new LocalRepository(dir.resolve("repo")), new OpenPgpSealing("pass phrase".toCharArray()));
        SpoolUploader up = new SpoolUploader(repo, NODE, spool);
        append(spool.resolve(FIRST), magic());
        for (int i = 0; i < ArchiveChunk.FANOUT; i++) {
            append(spool.resolve(FIRST), event(20 + i));
            up.pass();
        }
        long size = Files.size(spool.resolve(FIRST));
        assertThat(repo.list(ArchiveChunk.dir(NODE, FIRST))).as("sixteen chunks merged into one")
                .containsExactly(new ArchiveChunk(0, size, 1).key(NODE, FIRST));

        // A restarted stream: a new uploader, the spool fetched again from the file's start.
        Files.delete(spool.resolve(FIRST));
        SpoolUploader again = new SpoolUploader(repo, NODE, spool);
        append(spool.resolve(FIRST), magic());
        again.pass();
        assertThat(again.archivedBytes(FIRST)).as("what the repository holds, from its chunk names").isEqualTo(size);
        assertThat(repo.list(ArchiveChunk.dir(NODE, FIRST))).hasSize(1);
        byte[] all = Files.readAllBytes(spool.resolve(FIRST));
        // The re-fetch reaches the old end and goes on: only the new bytes go up.
        append(spool.resolve(FIRST), Arrays.copyOfRange(readBack(repo, FIRST), all.length, (int) size), event(99));
        again.pass();
        assertThat(repo.list(ArchiveChunk.dir(NODE, FIRST))).containsExactly(new ArchiveChunk(0, size, 1).key(NODE, FIRST),
                new ArchiveChunk(size, size + 99, 0).key(NODE, FIRST));
        assertThat(readBack(repo, FIRST)).isEqualTo(Files.readAllBytes(spool.resolve(FIRST)));
    }

    private static byte[] readBack(Repository repo, String file) throws Exception {
        ArchivedBinlogs archive = new ArchivedBinlogs(repo);
        ArchivedBinlogs.Stored f = archive.files(NODE).stream().filter(s -> s.name().equals(file)).findFirst().orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var in = archive.open(f)) {
            in.transferTo(out);
        }
        return out.toByteArray();
    }

    private static byte[] magic() {
        return new byte[] {(byte) 0xfe, 'b', 'i', 'n'};
    }

    /** An event of {@code size} bytes: a 19-byte header whose event_size says so, then filler. */
    private static byte[] event(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 1_700_000_000).put(4, (byte) 2).putInt(5, 1).putInt(9, size);
        for (int i = 19; i < size; i++) b.put(i, (byte) (i * 7));
        return b.array();
    }

    private static void append(Path file, byte[]... parts) throws Exception {
        for (byte[] p : parts) Files.write(file, p, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
