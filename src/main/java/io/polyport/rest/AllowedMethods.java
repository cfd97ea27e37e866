package io.polyport.rest;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The methods a path is served with, read from the routes of the router (and its sub-routers) as they were mounted,
 * for the Allow header of a 405. A literal path wins over a template that also matches it, as the contract's own
 * routes do: /users/import allows POST, though /users/{id} would match it too.
 */
final class AllowedMethods {
  private record Served(String[] segments, boolean prefix, boolean literal, Set<HttpMethod> methods) {
  }

  private final Router root;
  private List<Served> served;

  AllowedMethods(Router root) {
    this.root = root;
  }

  /** The Allow header's value for {@code path}: the methods of the routes that match it, sorted, or "" for none. */
  String of(String path) {
    if (served == null) {
      served = new ArrayList<>();
      collect(root);
    }
    String[] segments = path.split("/", -1);
    Set<HttpMethod> literal = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
    Set<HttpMethod> templated = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
    for (Served s : served) {
      if (matches(s, segments)) {
        (s.literal() ? literal : templated).addAll(s.methods());
      }
    }
    Set<HttpMethod> allowed = literal.isEmpty() ? templated : literal;
    return allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
  }

  private void collect(Router router) {
    for (Route route : router.getRoutes()) {
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter());
      } else if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) {
        String path = route.getPath();
        served.add(new Served(path.split("/", -1), !route.isExactPath(), path.indexOf(':') < 0, route.methods()));
      }
    }
  }

  /** Whether {@code path} (split at '/') is served by the route: each of its segments literal or a :parameter. */
  private static boolean matches(Served route, String[] path) {
    String[] template = route.segments();
    int compared = route.prefix() ? template.length - 1 : template.length;
    if (route.prefix() ? path.length < compared : path.length != compared) {
      return false;
    }
    for (int i = 0; i < compared; i++) {
      boolean parameter = template[i].startsWith(":") && !path[i].isEmpty();
      if (!parameter && !template[i].equals(path[i])) {
        return false;
      }
    }
    return true;
  }
}
