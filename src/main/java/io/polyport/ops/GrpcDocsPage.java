package io.polyport.ops;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gRPC API as one self-contained HTML page, rendered once at start from the descriptors: every
 * service and rpc (with its streaming kind), every message with its fields (number, type, label) and every
 * enum with its values, each with the comment written in the .proto, so that a reader needs neither the
 * .proto file nor a tool. Everything taken from the descriptors is HTML-escaped.
 */
public final class GrpcDocsPage {
  private static final Map<String, String> OPS_SERVICES = Map.of(
      "grpc.health.v1.Health", "Standard gRPC health checking. The empty service name \"\" and the API's services are"
          + " SERVING while MongoDB answers a ping, else NOT_SERVING; Watch sends the status, then each change.",
      "grpc.reflection.v1.ServerReflection", "Standard gRPC server reflection (grpcurl, grpc-java tools): lists"
          + " the services and returns file descriptors by file name or symbol; many requests per stream.",
      "grpc.reflection.v1alpha.ServerReflection", "The older name of server reflection, for older clients;"
          + " same messages and behaviour as v1.");

  private final StringBuilder html = new StringBuilder();

  private GrpcDocsPage() {
  }

  /** The page for {@code catalog}. */
  public static String render(ProtoCatalog catalog) {
    return new GrpcDocsPage().page(catalog);
  }

  private String page(ProtoCatalog catalog) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Polyport gRPC API</title><style>").append(STYLE).append("</style></head><body>\n")
        .append("<h1>Polyport gRPC API</h1>\n<p class=\"note\">Served on the same port as the REST API "
            + "(<a href=\"/docs\">REST docs</a>): gRPC over HTTP/2 (h2c, or h2 with TLS) and gRPC-Web "
            + "(<code>application/grpc-web+proto</code>, <code>application/grpc-web-text</code>) over HTTP/1.1 or "
            + "HTTP/2. Call a method as <code>POST /&lt;package&gt;.&lt;Service&gt;/&lt;Method&gt;</code>.</p>\n");
    List<FileDescriptor> api = catalog.apiFiles().stream().filter(f -> !isWellKnown(f)).toList();
    List<FileDescriptor> wellKnown = catalog.apiFiles().stream().filter(GrpcDocsPage::isWellKnown).toList();
    contents(api);
    for (FileDescriptor file : api) {
      file(file, 2);
    }
    html.append("<h2 id=\"ops\">Operational services</h2>\n");
    for (FileDescriptor file : catalog.opsFiles()) {
      file(file, 3);
    }
    html.append("<h2 id=\"well-known\">Well-known types used above</h2>\n<details><summary>")
        .append("google.protobuf types, with their documentation</summary>\n");
    for (FileDescriptor file : wellKnown) {
      file(file, 3);
    }
    return html.append("</details>\n</body></html>\n").toString();
  }

  private void contents(List<FileDescriptor> files) {
    html.append("<nav><h2>Contents</h2><ul>");
    for (FileDescriptor file : files) {
      file.getServices().forEach(s -> item(s.getFullName(), "service " + s.getName()));
      file.getMessageTypes().forEach(m -> item(m.getFullName(), "message " + m.getName()));
      file.getEnumTypes().forEach(e -> item(e.getFullName(), "enum " + e.getName()));
    }
    item("ops", "Operational services (health, reflection)");
    item("well-known", "Well-known types");
    html.append("</ul></nav>\n");
  }

  private void item(String anchor, String text) {
    html.append("<li><a href=\"#").append(escape(anchor)).append("\">").append(escape(text)).append("</a></li>");
  }

  private void file(FileDescriptor file, int level) {
    var comments = new ProtoComments(file);
    html.append("<section class=\"file\"><h").append(level).append(">File <code>").append(escape(file.getName()))
        .append("</code>, package <code>").append(escape(file.getPackage())).append("</code></h").append(level)
        .append(">\n");
    doc(comments.ofFile());
    for (ServiceDescriptor service : file.getServices()) {
      service(service, comments);
    }
    file.getMessageTypes().forEach(m -> message(m, comments));
    file.getEnumTypes().forEach(e -> enumeration(e, comments));
    html.append("</section>\n");
  }

  private void service(ServiceDescriptor service, ProtoComments comments) {
    heading("service", service);
    doc(comments.of(service).isEmpty() ? OPS_SERVICES.getOrDefault(service.getFullName(), "") : comments.of(service));
    html.append("<table><tr><th>rpc</th><th>request</th><th>response</th><th>kind</th><th>description</th></tr>\n");
    for (MethodDescriptor method : service.getMethods()) {
      html.append("<tr id=\"").append(escape(method.getFullName())).append("\"><td><code>")
          .append(escape(method.getName())).append("</code><div class=\"path\">/")
          .append(escape(service.getFullName())).append('/').append(escape(method.getName())).append("</div></td><td>");
      link(method.getInputType());
      html.append("</td><td>");
      link(method.getOutputType());
      html.append("</td><td>").append(kind(method)).append("</td><td>");
      doc(comments.of(method));
      html.append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private void message(Descriptor message, ProtoComments comments) {
    if (message.getOptions().getMapEntry()) {
      return; // shown as map<key, value> on its field
    }
    heading("message", message);
    doc(comments.of(message));
    if (message.getFields().isEmpty()) {
      html.append("<p class=\"note\">No fields.</p>\n");
    } else {
      html.append("<table><tr><th>number</th><th>field</th><th>type</th><th>label</th><th>description</th></tr>\n");
      for (FieldDescriptor field : message.getFields()) {
        html.append("<tr><td>").append(field.getNumber()).append("</td><td><code>").append(escape(field.getName()))
            .append("</code><div class=\"path\">JSON: ").append(escape(field.getJsonName())).append("</div></td><td>");
        type(field);
        html.append("</td><td>").append(escape(label(field))).append("</td><td>");
        doc(comments.of(field));
        html.append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    message.getNestedTypes().forEach(m -> message(m, comments));
    message.getEnumTypes().forEach(e -> enumeration(e, comments));
  }

  private void enumeration(EnumDescriptor e, ProtoComments comments) {
    heading("enum", e);
    doc(comments.of(e));
    html.append("<table><tr><th>number</th><th>value</th><th>description</th></tr>\n");
    for (EnumValueDescriptor value : e.getValues()) {
      html.append("<tr><td>").append(value.getNumber()).append("</td><td><code>").append(escape(value.getName()))
          .append("</code></td><td>");
      doc(comments.of(value));
      html.append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private void heading(String kind, GenericDescriptor element) {
    html.append("<h4 id=\"").append(escape(element.getFullName())).append("\">").append(kind).append(" <code>")
        .append(escape(element.getFullName())).append("</code></h4>\n");
  }

  private void type(FieldDescriptor field) {
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      html.append("map&lt;");
      type(entry.findFieldByName("key"));
      html.append(", ");
      type(entry.findFieldByName("value"));
      html.append("&gt;");
    } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      link(field.getMessageType());
    } else if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
      link(field.getEnumType());
    } else {
      html.append("<code>").append(field.getType().name().toLowerCase(Locale.ROOT)).append("</code>");
    }
  }

  private void link(GenericDescriptor type) {
    html.append("<a href=\"#").append(escape(type.getFullName())).append("\"><code>").append(escape(type.getFullName()))
        .append("</code></a>");
  }

  static String kind(MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? "bidirectional streaming" : "client streaming";
    }
    return method.isServerStreaming() ? "server streaming" : "unary";
  }

  static String label(FieldDescriptor field) {
    if (field.isMapField()) {
      return "map";
    } else if (field.isRepeated()) {
      return "repeated";
    } else if (field.getRealContainingOneof() != null) {
      return "oneof " + field.getRealContainingOneof().getName();
    } else if (field.hasPresence() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      return "optional";
    }
    return "singular";
  }

  private void doc(String text) {
    if (!text.isEmpty()) {
      html.append("<div class=\"doc\">").append(escape(text)).append("</div>\n");
    }
  }

  private static boolean isWellKnown(FileDescriptor file) {
    return file.getPackage().equals("google.protobuf");
  }

  /** Text as HTML: the five characters that could open markup or end an attribute are escaped. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;"
      + "padding:0 1rem;line-height:1.45;color:#1d1d1f}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
      + "th,td{border:1px solid #d0d0d7;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f7}"
      + ".doc{white-space:pre-line}.path,.note{color:#5f5f6b;font-size:.85em}code{font-size:.95em}"
      + "h4{margin-top:2rem}section.file{border-top:2px solid #d0d0d7;margin-top:2rem}";
}
