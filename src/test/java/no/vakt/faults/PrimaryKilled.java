package no.vakt.faults;

import java.io.IOException;
import no.vakt.lab.LabSite;

/**
 * Rows whose fault ends in kill -9 of the primary's mariadbd (alone or after a fault of their own), started
 * again, as its my.cnf says, once Vakt has reacted: a failover is expected.
 */
abstract class PrimaryKilled implements FaultRow {
    @Override
    public boolean failoverExpected() {
        return true;
    }

    @Override
    public void inject(FaultLab lab, LabSite primary) throws Exception {
        lab.server(primary).kill();
    }

    @Override
    public void remove(FaultLab lab, LabSite primary) throws IOException {
        lab.server(primary).start();
    }
}
