package io.herald.deliver;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where webhooks may go. An endpoint's host is resolved, and every address it resolves to is held against the ranges
 * no outside caller should reach through Herald: loopback, link-local (which holds cloud metadata services,
 * 169.254.169.254), private, carrier-grade NAT, unspecified and multicast. Those are refused unless
 * {@code deliver.allowedHosts} allows them, by host name or by address or CIDR range ({@code 127.0.0.1},
 * {@code 10.0.0.0/8}, {@code hooks.internal}). A request goes to the address that was checked, never to a name resolved
 * again (so DNS rebinding does not get through), and redirects are not followed. A host's answer is kept for
 * {@value #KEEP_MS} ms. Safe from any thread.
 */
public final class Endpoints {

  private static final long KEEP_MS = 10_000;
  private static final int KEEP_HOSTS = 10_000;

  /** An endpoint Herald will not send to; the message says why. */
  public static final class RefusedEndpoint extends RuntimeException {
    RefusedEndpoint(String message) {
      super(message, null, false, false);
    }
  }

  private record Resolved(long until, InetAddress address, String refusal) {
  }

  private final List<String> names = new ArrayList<>();
  private final List<IpSubnetFilterRule> ranges = new ArrayList<>();
  private final String allowed;
  private final Map<String, Resolved> resolved = new ConcurrentHashMap<>();

  private Endpoints(List<String> allowedHosts) {
    for (String host : allowedHosts) {
      String entry = host.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      try {
        if (slash > 0) {
          ranges.add(new IpSubnetFilterRule(entry.substring(0, slash), Integer.parseInt(entry.substring(slash + 1)),
              IpFilterRuleType.ACCEPT));
        } else if (NetUtil.isValidIpV4Address(entry) || NetUtil.isValidIpV6Address(entry)) {
          InetAddress address = InetAddress.getByName(entry);   // a literal: no lookup
          ranges.add(new IpSubnetFilterRule(address, address.getAddress().length * 8, IpFilterRuleType.ACCEPT));
        } else {
          names.add(entry);
        }
      } catch (IllegalArgumentException | UnknownHostException e) {
        throw new IllegalArgumentException("deliver.allowedHosts: '" + host + "' is not a host name, an address or a CIDR"
            + " range (such as 10.0.0.0/8)");
      }
    }
    this.allowed = String.join(", ", allowedHosts);
  }

  /** {@code deliver.allowedHosts}: a list, or (from the environment) comma-separated; none by default. */
  public static Endpoints from(JsonObject deliver) {
    Object value = deliver.getValue("allowedHosts");
    List<String> hosts = new ArrayList<>();
    if (value instanceof JsonArray list) {
      list.forEach(host -> hosts.add(String.valueOf(host)));
    } else if (value instanceof String text) {
      hosts.addAll(List.of(text.split(",")));
    } else if (value != null) {
      throw new IllegalArgumentException("deliver.allowedHosts must be a list of hosts, addresses and CIDR ranges");
    }
    return new Endpoints(hosts);
  }

  /**
   * Where to send to {@code endpoint}: the address its host resolves to, checked. Fails with {@link RefusedEndpoint}
   * when an address it resolves to is one Herald does not send to, or with the lookup's failure.
   */
  public Future<SocketAddress> address(Vertx vertx, URI endpoint) {
    String host = host(endpoint);
    int port = endpoint.getPort() >= 0 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    long now = System.currentTimeMillis();
    Resolved known = resolved.get(host);
    Future<Resolved> answer = known != null && known.until > now ? Future.succeededFuture(known)
        : vertx.executeBlocking(() -> resolve(host, now), false).onSuccess(r -> {
          if (resolved.size() >= KEEP_HOSTS) {
            resolved.clear();   // bounded: the hosts of many writes, most refused, are not kept for ever
          }
          resolved.put(host, r);
        });
    return answer.compose(r -> r.refusal != null
        ? Future.failedFuture(new RefusedEndpoint("channel.endpoint " + endpoint + " " + r.refusal))
        : Future.succeededFuture(SocketAddress.inetSocketAddress(new InetSocketAddress(r.address, port))));
  }

  /**
   * The check made when a subscription is written: refused (with why) when its endpoint's host resolves to an address
   * Herald does not send to; null when it does not, or when the host does not resolve now (it is checked again at
   * each delivery).
   */
  public Future<String> refusal(Vertx vertx, String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (Exception e) {
      return Future.succeededFuture();   // the subscription's own check says what is wrong with it
    }
    if (uri.getHost() == null) {
      return Future.succeededFuture();
    }
    return address(vertx, uri).map(a -> (String) null)
        .recover(e -> Future.succeededFuture(e instanceof RefusedEndpoint ? e.getMessage() : null));
  }

  private static String host(URI endpoint) {
    String host = endpoint.getHost().toLowerCase(Locale.ROOT);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private Resolved resolve(String host, long now) throws UnknownHostException {
    InetAddress[] addresses = InetAddress.getAllByName(host);
    long until = now + KEEP_MS;
    if (names.contains(host)) {
      return new Resolved(until, addresses[0], null);
    }
    for (InetAddress address : addresses) {
      String kind = kind(address);
      if (kind != null && ranges.stream().noneMatch(r -> r.matches(new InetSocketAddress(address, 0)))) {
        return new Resolved(until, null, "resolves to " + address.getHostAddress() + ", " + kind + " address, which"
            + " Herald does not send to unless deliver.allowedHosts allows it"
            + (allowed.isEmpty() ? " (it allows none)" : " (it allows " + allowed + ")"));
      }
    }
    return new Resolved(until, addresses[0], null);
  }

  /**
   * What kind of address no webhook goes to without leave {@code address} is; null for a public one. An IPv6 address
   * that carries an IPv4 one (NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::a.b.c.d) is what its IPv4 one is.
   */
  static String kind(InetAddress address) {
    byte[] b = address.getAddress();
    byte[] carried = address.isLoopbackAddress() || address.isAnyLocalAddress() ? null : carried(b);
    if (carried != null) {
      try {
        String inner = kind(InetAddress.getByAddress(carried));
        if (inner != null) {
          return inner;
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four bytes are an IPv4 address", e);
      }
    }
    if (address.isAnyLocalAddress() || b.length == 4 && b[0] == 0) {
      return "an unspecified";
    }
    if (address.isLoopbackAddress()) {
      return "a loopback";
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local (cloud metadata)";
    }
    if (address.isSiteLocalAddress() || b.length == 16 && (b[0] & 0xfe) == 0xfc) {
      return "a private";
    }
    if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
      return "a shared (carrier-grade NAT)";
    }
    if (address.isMulticastAddress() || b.length == 4 && (b[0] & 0xff) >= 240) {
      return "a multicast or reserved";
    }
    return null;
  }

  /** The IPv4 address an IPv6 one carries, or null. */
  private static byte[] carried(byte[] b) {
    if (b.length != 16) {
      return null;
    }
    boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    boolean zeros = true;
    for (int i = 4; i < 12; i++) {
      zeros &= b[i] == 0;
    }
    boolean compatible = zeros && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0;
    if (nat64 && zeros || compatible) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x20 && b[1] == 0x02) {   // 6to4
      return new byte[] {b[2], b[3], b[4], b[5]};
    }
    return null;
  }
}
