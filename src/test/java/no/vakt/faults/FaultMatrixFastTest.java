package no.vakt.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast rows of the fault matrix ({@code bench/faults} runs them all): real servers, `vakt run` as its
 * own process, write load through the service name, with the monitor's 200 ms checks so a row takes about
 * half a minute. Each row must keep the matrix's invariants: nothing acknowledged lost with semi-sync,
 * never two writable primaries, no upload missing after recovery.
 *
 * <p>The rows that kill and restart the primary stay in the bench: a restarted old primary is writable
 * for the few milliseconds between its first accepted connection and the door fence's read_only
 * (docs/faults.md), which a 100 ms sampler catches now and then.
 */
class FaultMatrixFastTest {
    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("switchover-during-run", true),
                Arguments.of("dir-replaced-by-file", false),
                Arguments.of("receiver-disk-full", true));
    }

    @ParameterizedTest(name = "{0}, semi-sync {1}")
    @MethodSource("rows")
    void theRowKeepsTheInvariants(String rowId, boolean semiSync) throws Exception {
        FaultRow row = Rows.all().get(rowId);
        Assumptions.assumeTrue(!row.needsRoot() || "root".equals(System.getProperty("user.name")),
                () -> "skipped: " + rowId + " needs root (a tmpfs mount)");
        Path work = TestDirs.create("faults-");
        RowRunner runner = new RowRunner(FaultLab.Place.loopback(), FaultLab.Tuning.FAST, work);
        Outcome o = runner.run(row, semiSync);
        assertThat(o.violations()).as(o.observed()).isEmpty();
    }
}
