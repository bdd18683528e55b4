package no.vakt.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import no.vakt.config.VaktConfig;
import no.vakt.db.ReadOnlyBypass.Account;
import no.vakt.db.ReadOnlyBypass.Bypass;
import org.junit.jupiter.api.Test;

class ReadOnlyBypassRulesTest {
    final VaktConfig config = States.config();

    private Observations with(Map<String, List<Bypass>> bypass) {
        Observations o = States.observations(config, States.primary(), States.standby());
        return new Observations(o.primary(), o.standby(), o.primaryReplicationHosts(), o.standbyReplicationHosts(),
                o.canary(), o.secrets(), o.traffic(), o.files(), o.roles(), o.nonTransactionalTables(), bypass);
    }

    private static Bypass bypass(String user, String host, String privilege) {
        return new Bypass(new Account(user, host), privilege);
    }

    @Test
    void namesApplicationAccountsThatWriteThroughReadOnlyWithTheFixPerNode() {
        String p = config.primary().name();
        String s = config.standby().name();
        List<Finding> f = ReadOnlyBypassRules.accounts(config, with(Map.of(
                p, List.of(bypass("app", "%", "ALL PRIVILEGES"), bypass("vakt", "10.0.0.1", "ALL PRIVILEGES"),
                        bypass("repl", "10.0.0.1", "READ ONLY ADMIN")),
                s, List.of(bypass("app", "%", "ALL PRIVILEGES"), bypass("root", "localhost", "ALL PRIVILEGES")))));
        assertThat(f).extracting(Finding::severity).containsExactly(Severity.WARNING, Severity.WARNING, Severity.INFO);
        Finding onPrimary = f.get(0);
        assertThat(onPrimary.id()).isEqualTo("read-only-bypass");
        assertThat(onPrimary.node()).isEqualTo(p);
        // Vakt's own and the replication account are not the application's: not named.
        assertThat(onPrimary.message()).contains("'app'@'%' (ALL PRIVILEGES) can write while read_only=ON")
                .contains("READ ONLY ADMIN").contains("no super_read_only").contains("a fence locks them")
                .doesNotContain("vakt").doesNotContain("repl");
        assertThat(onPrimary.fix()).isEqualTo("on " + p + ": SET SESSION sql_log_bin = 0; REVOKE READ ONLY ADMIN ON *.* FROM 'app'@'%';");
        assertThat(f.get(1).message()).contains("errant transactions");
        assertThat(f.get(2).message()).contains("'root'@'localhost'").contains("never locks root");
    }

    @Test
    void okWhenOnlyVaktsAccountsBypassAndSilentWhenNotRead() {
        String p = config.primary().name();
        List<Finding> f = ReadOnlyBypassRules.accounts(config, with(Map.of(p, List.of(bypass("vakt", "%", "ALL PRIVILEGES")))));
        assertThat(f).extracting(Finding::severity).containsExactly(Severity.OK);
        assertThat(f.get(0).node()).isEqualTo(p);
    }

    @Test
    void beforeMariaDb10_11TheFixRevokesSuperToo() {
        Observations base = States.observations(config, States.primary().set("version", "10.6.18-MariaDB"), States.standby());
        Observations o = new Observations(base.primary(), base.standby(), null, null, null, null, null, null, null, null,
                Map.of(config.primary().name(), List.of(bypass("ops", "%", "SUPER"))));
        List<Finding> f = ReadOnlyBypassRules.accounts(config, o);
        assertThat(f).singleElement().satisfies(w -> {
            assertThat(w.message()).contains("SUPER or READ ONLY ADMIN");
            assertThat(w.fix()).contains("REVOKE SUPER, READ ONLY ADMIN ON *.* FROM 'ops'@'%';");
        });
    }
}
