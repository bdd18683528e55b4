package no.vakt.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import no.vakt.lab.LabNetns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code bench/faults}: every row of the fault matrix, each with semi-sync off and on, then docs/faults.md. */
@Command(name = "bench/faults", mixinStandardHelpOptions = true,
        description = "Drives each fault under write load on fresh labs and writes the fault matrix table.")
public final class FaultMatrix implements Callable<Integer> {
    @Option(names = "--rows", split = ",", paramLabel = "ID",
            description = "Rows to run (default: all; bench/README.md lists them)")
    List<String> rowIds;

    @Option(names = "--semi-sync", split = ",", defaultValue = "off,on", paramLabel = "off|on",
            description = "Semi-sync settings to run each row with (default: ${DEFAULT-VALUE})")
    List<String> semiSync;

    @Option(names = "--once", split = ",", paramLabel = "ID",
            description = "Rows to run with the first --semi-sync setting only (file-sync rows do not depend on it)")
    List<String> once = List.of();

    @Option(names = "--stonith", description = "Each row with the lab's STONITH stand-in as policy.fence-command"
            + " (vakt lab up --stonith): a failover powers the old primary off; it is powered on before the rejoin")
    boolean stonith;

    @Option(names = "--stonith-rows", split = ",", paramLabel = "ID",
            description = "Rows to run again with STONITH (as --stonith does), as extra rows of the table")
    List<String> stonithRows = List.of();

    @Option(names = "--fast-checks", description = "200 ms checks instead of the defaults (1 s x 3)")
    boolean fastChecks;

    @Option(names = "--netns-prefix", defaultValue = "vkf-", hidden = true,
            description = "Namespace names' prefix (two matrix runs at once need two)")
    String netnsPrefix;

    @Option(names = "--netns-octet", defaultValue = "210", hidden = true, description = "The lab's 10.246.N.0/24")
    int netnsOctet;

    @Option(names = "--loopback", description = "Sites on loopback addresses even as root (network rows are skipped)")
    boolean loopback;

    @Option(names = "--out", defaultValue = "docs/faults.md", description = "The table (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--work", defaultValue = ".vakt/bench-faults", description = "Scratch directory for the labs")
    Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultMatrix()).execute(args));
    }

    private FaultRow row(Map<String, FaultRow> rows, String id) {
        FaultRow r = rows.get(id);
        if (r == null) throw new CommandLine.ParameterException(new CommandLine(this), "unknown row '" + id + "'; rows: " + rows.keySet());
        return r;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, FaultRow> rows = Rows.all();
        List<FaultRow> selected = new ArrayList<>();
        for (String id : rowIds == null ? List.copyOf(rows.keySet()) : rowIds) {
            selected.add(stonith ? new StonithRow(row(rows, id)) : row(rows, id));
        }
        for (String id : stonithRows) selected.add(new StonithRow(row(rows, id)));
        selected.forEach(r -> rows.putIfAbsent(r.id(), r)); // the table finds the STONITH rows' names there
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean netns = !loopback && LabNetns.unavailableReason().isEmpty();
        FaultLab.Place place = netns ? FaultLab.Place.netns(netnsPrefix, netnsOctet) : FaultLab.Place.loopback();
        FaultLab.Tuning tuning = fastChecks ? FaultLab.Tuning.FAST : FaultLab.Tuning.DEFAULTS;
        Files.createDirectories(work);
        RowRunner runner = new RowRunner(place, tuning, work.toAbsolutePath());
        List<Outcome> outcomes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (FaultRow row : selected) {
            if (row.needsNetns() && !netns) {
                skipped.add(row.fault() + ": " + LabNetns.unavailableReason().orElse("--loopback"));
                continue;
            }
            if (row.needsRoot() && !root) {
                skipped.add(row.fault() + ": needs root");
                continue;
            }
            for (String s : once.contains(row.id().replace("+stonith", "")) ? semiSync.subList(0, 1) : semiSync) {
                boolean on = s.equals("on");
                System.out.printf("%-18s semi-sync %-3s ... ", row.id(), s);
                System.out.flush();
                Outcome o;
                try {
                    o = runner.run(row, on);
                } catch (Exception e) {
                    o = new Outcome(row.id(), on, row.expected(), "the row could not run: " + e.getMessage(), 0, 0, null, 0,
                            List.of("harness error"));
                }
                outcomes.add(o);
                System.out.println((o.passed() ? "pass" : "FAIL " + o.violations()) + " | lost " + o.ackedLost()
                        + ", writable max " + o.maxWritable() + ", recover " + o.recoverMs() + " ms, files missing "
                        + o.filesMissing() + " | " + o.observed());
            }
        }
        String setting = (netns ? "sites in network namespaces" : "sites on loopback addresses") + ", checks "
                + tuning.interval().toMillis() + " ms x " + tuning.failures();
        Files.createDirectories(out.toAbsolutePath().getParent());
        String notes = Files.exists(out) ? MatrixTable.keptNotes(Files.readString(out)) : "";
        Files.writeString(out, MatrixTable.render(outcomes, rows, setting, skipped) + notes);
        Path json = work.resolve("faults.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), outcomes);
        System.out.println("table: " + out + "; figures: " + json);
        return outcomes.stream().allMatch(Outcome::passed) ? 0 : 1;
    }
}
