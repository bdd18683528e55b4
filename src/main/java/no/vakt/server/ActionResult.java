package no.vakt.server;

import java.util.Map;

/** What an operator action answers: the HTTP status and a JSON object. */
record ActionResult(int status, Map<String, Object> body) {}
