package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What Vakt's account lacks, read from SHOW GRANTS as MariaDB 10.11 prints it (its own order and spelling). */
class AdminGrantsTest {
    private static final String GLOBAL = "GRANT RELOAD, PROCESS, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, CREATE USER,"
            + " SET USER, CONNECTION ADMIN, READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, BINLOG ADMIN,"
            + " SLAVE MONITOR ON *.* TO `vakt`@`127.0.0.1` IDENTIFIED BY PASSWORD '*AB' WITH GRANT OPTION";
    private static final String VAKT = "GRANT ALL PRIVILEGES ON `vakt`.* TO `vakt`@`127.0.0.1` WITH GRANT OPTION";

    @Test
    void theAccountAsVaktCreatesItLacksNothing() {
        assertThat(AdminGrants.missing(List.of(GLOBAL, VAKT, "GRANT SELECT ON `mysql`.* TO `vakt`@`127.0.0.1`"))).isEmpty();
    }

    @Test
    void aRevokedPrivilegeIsNamedInGrantSpelling() {
        String without = GLOBAL.replace(" CONNECTION ADMIN,", "").replace(" READ_ONLY ADMIN,", "");
        assertThat(AdminGrants.missing(List.of(without, VAKT))).containsExactly("READ ONLY ADMIN", "CONNECTION ADMIN");
    }

    @Test
    void theGrantOptionAndTheVaktSchemaCount() {
        assertThat(AdminGrants.missing(List.of(GLOBAL.replace(" WITH GRANT OPTION", ""))))
                .containsExactly("GRANT OPTION", "ALL PRIVILEGES ON vakt.*");
    }

    /** ALL on one database is not a global privilege; ALL on *.* covers everything (root). */
    @Test
    void allPrivilegesOnlyCountsGlobally() {
        assertThat(AdminGrants.missing(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"))).isEmpty();
        assertThat(AdminGrants.missing(List.of("GRANT USAGE ON *.* TO `v`@`h`", "GRANT ALL PRIVILEGES ON `shop`.* TO `v`@`h`")))
                .contains("READ ONLY ADMIN", "GRANT OPTION", "ALL PRIVILEGES ON vakt.*");
    }
}
