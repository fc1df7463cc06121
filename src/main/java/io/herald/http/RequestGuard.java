package io.herald.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at every request before it is routed, so nothing malformed reaches a handler (and no write
 * can happen before a response that then fails): a Host that links can be built from, and a request
 * target of printable ASCII whose percent-encoding decodes to UTF-8 without NUL characters. What
 * fails is answered 400 with an OperationOutcome and the connection closed.
 */
final class RequestGuard implements Handler<HttpServerRequest> {

  private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9._-]{1,253})(?::(\\d{0,5}))?");

  private final Handler<HttpServerRequest> next;

  RequestGuard(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String problem = problem(request);
    if (problem == null) {
      next.handle(request);
    } else {
      request.response().endHandler(ended -> request.connection().close());   // nothing after it on this connection is read
      Responses.outcome(request.response(), 400, "invalid", problem);
    }
  }

  /**
   * The server's base URL as the client addressed it, e.g. {@code http://localhost:8080}: from the Host
   * header, or for an HTTP/1.0 request without one, the address the connection came in on.
   */
  static String base(HttpServerRequest request) {
    String host = host(request);
    return request.scheme() + "://" + (host != null ? host : address(request.localAddress()));
  }

  /** The Host as the client wrote it: the header in HTTP/1.x, {@code :authority} in HTTP/2. */
  private static String host(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      HostAndPort authority = request.authority();
      return authority == null ? null : authority.toString();
    }
    return request.getHeader("Host");
  }

  private static String address(SocketAddress local) {
    String host = local.hostAddress() == null ? local.host() : local.hostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + local.port();
  }

  private static String problem(HttpServerRequest request) {
    var hosts = request.version() == HttpVersion.HTTP_2 ? Optional.ofNullable(host(request)).stream().toList()
        : request.headers().getAll("Host");
    if (hosts.size() > 1) {
      return "The request has " + hosts.size() + " Host headers; send one";
    }
    if (hosts.isEmpty()) {
      if (request.version() != HttpVersion.HTTP_1_0) {
        return "The request has no Host header, which HTTP/1.1 requires";
      }
    } else {
      Matcher m = HOST.matcher(hosts.get(0));
      if (!m.matches() || m.group(2) != null && !m.group(2).isEmpty() && Integer.parseInt(m.group(2)) > 65535) {
        return "Host '" + printable(hosts.get(0)) + "' is not a host name or address with an optional port";
      }
    }
    String uri = request.uri();
    String unencoded = unencoded("request target", uri);
    if (unencoded != null) {
      return unencoded;
    }
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String problem = decodes("path", path, false);
    return problem != null || query < 0 ? problem : decodes("query", uri.substring(query + 1), true);
  }

  /** Null when {@code text} is printable ASCII without '#' (what a URL or a form body may hold as it is); else where it is not. */
  static String unencoded(String part, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        return "The " + part + " has a character that must be percent-encoded (position " + i + ")";
      }
    }
    return null;
  }

  /** Null when {@code text}'s percent-encoding is well formed and decodes to UTF-8 without NUL; else what is wrong. */
  static String decodes(String part, String text, boolean form) {
    if (text.indexOf('%') < 0) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (!hex(text, i + 1) || !hex(text, i + 2)) {
          return "The " + part + " has a malformed percent-encoding at position " + i + ": '%' must be followed by two hex digits";
        }
        bytes.put((byte) Integer.parseInt(text, i + 1, i + 3, 16));
        i += 2;
      } else {
        bytes.put((byte) (form && c == '+' ? ' ' : c));
      }
    }
    bytes.flip();
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      return "The " + part + " percent-encodes bytes that are not UTF-8";
    }
    return decoded.indexOf('\u0000') >= 0 ? "The " + part + " contains a NUL character (%00)" : null;
  }

  private static boolean hex(String text, int i) {
    return i < text.length() && Character.digit(text.charAt(i), 16) >= 0;
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().limit(100).forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return out.toString();
  }
}
