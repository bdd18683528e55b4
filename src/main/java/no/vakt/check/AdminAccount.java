package no.vakt.check;

import java.util.List;
import no.vakt.db.Sql;

/**
 * Vakt's own account on one node, as the server resolved it, and the privileges it lacks.
 *
 * @param currentUser {@code CURRENT_USER()}: user@host of the account the server matched
 * @param missing what it lacks of {@link no.vakt.db.AdminGrants}'s set; empty when nothing
 */
public record AdminAccount(String currentUser, List<String> missing) {
    public AdminAccount {
        missing = List.copyOf(missing);
    }

    /** The account in SQL form, 'user'@'host'. */
    public String sql() {
        int at = currentUser.lastIndexOf('@');
        return at < 0 ? currentUser : Sql.account(currentUser.substring(0, at), currentUser.substring(at + 1));
    }
}
