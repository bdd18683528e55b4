package no.vakt.faults;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import no.vakt.lab.Lab;
import no.vakt.lab.LabSite;
import no.vakt.testing.Cli;

/**
 * A row run with the lab's STONITH stand-in as {@code policy.fence-command} ({@code vakt lab up --stonith}): the
 * failover powers the old primary off, so when the fault heals (SIGCONT, rules removed) there is no server left
 * to answer writes. The harness then powers it on, as an operator would before {@code vakt rejoin}; it comes up
 * read-only by its my.cnf. Everything else is the wrapped row's.
 */
final class StonithRow implements FaultRow {
    private final FaultRow row;
    private boolean poweredOff;

    StonithRow(FaultRow row) {
        this.row = row;
    }

    @Override
    public String id() {
        return row.id() + "+stonith";
    }

    @Override
    public String fault() {
        return row.fault() + " (STONITH)";
    }

    @Override
    public boolean failoverExpected() {
        return row.failoverExpected();
    }

    @Override
    public String expected() {
        return row.failoverExpected() ? "failover; the fence command powers the old primary off; powered on, it comes"
                + " back read-only" : row.expected();
    }

    @Override
    public boolean stonith() {
        return true;
    }

    @Override
    public boolean needsNetns() {
        return row.needsNetns();
    }

    @Override
    public boolean needsRoot() {
        return row.needsRoot();
    }

    @Override
    public UnaryOperator<String> configEdit() {
        return row.configEdit();
    }

    @Override
    public void prepare(FaultLab lab) throws Exception {
        row.prepare(lab);
    }

    @Override
    public void beforeFault(FaultLab lab, LabSite primary, LabSite standby) throws Exception {
        row.beforeFault(lab, primary, standby);
    }

    @Override
    public void inject(FaultLab lab, LabSite primary) throws Exception {
        row.inject(lab, primary);
    }

    @Override
    public void afterInject(FaultLab lab, RowRunner.Notes notes) throws Exception {
        row.afterInject(lab, notes);
    }

    @Override
    public Duration hold() {
        return row.hold();
    }

    @Override
    public void remove(FaultLab lab, LabSite primary) throws Exception {
        poweredOff = Lab.liveProcess(lab.server(primary)).isEmpty();
        row.remove(lab, primary); // the heal (rules removed; SIGCONT finds nothing to resume)
        if (Lab.liveProcess(lab.server(primary)).isPresent()) return;
        Cli on = Cli.run("lab", "power-on", Rows.node(lab, lab.cfg(), primary).name(), "--dir", lab.dir().toString());
        if (on.exitCode() != 0) throw new IllegalStateException("lab power-on failed: " + on.out() + on.err());
    }

    @Override
    public boolean rejoinAfter() {
        return row.rejoinAfter();
    }

    @Override
    public void verify(FaultLab lab, Application app, List<String> violations, RowRunner.Notes notes) throws Exception {
        if (row.failoverExpected()) {
            notes.add(poweredOff ? "old primary powered off by the fence command, powered on before the rejoin"
                    : "old primary still running when the fault was removed");
            if (!poweredOff) violations.add("the fence command did not power the old primary off");
        }
        row.verify(lab, app, violations, notes);
    }

    @Override
    public void cleanup(FaultLab lab) {
        row.cleanup(lab);
    }
}
