package no.vakt.db;

import java.sql.SQLException;

/** Short, human error texts for SQL failures, keeping the SQLState and code an operator can look up. */
public final class Errors {
    private Errors() {}

    public static String describe(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        if (nl > 0) msg = msg.substring(0, nl);
        StringBuilder sb = new StringBuilder(msg.replaceFirst("^\\(conn=\\d+\\) ", ""));
        if (e.getErrorCode() != 0) sb.append(" [error ").append(e.getErrorCode()).append(']');
        return sb.toString();
    }
}
