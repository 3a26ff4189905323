package dev.topiary.env.mujoco;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * dm_control's {@code suite/dog.xml} edited the way its stand and move tasks edit it before compiling: the floor
 * becomes {@code floorSize × floorSize} (the distance the target speed covers in 15 s, so the dog never runs off
 * it), and the ball, the target, the four walls and the two cameras that follow them are removed (they belong to
 * the fetch task).
 *
 * <p>The edited model is written to a temporary file outside the installation (which may be read-only), so every
 * relative path of the original is made absolute: {@code <include>}s are inlined (MuJoCo inserts an included file's
 * children in place of the element, relative to the main file's folder) and the compiler's mesh and texture folders
 * point into the installation. The file is deleted once MuJoCo has compiled it.
 */
final class DogModel {
    static final List<String> FETCH_GEOMS = List.of("target", "wall_px", "wall_nx", "wall_py", "wall_ny");
    static final List<String> FETCH_CAMERAS = List.of("ball", "head");

    private DogModel() {
    }

    /** Writes the edited model to a temporary file and returns it; the caller deletes it after loading. */
    static Path prepare(Path dogXml, double floorSize) {
        if (!Files.isRegularFile(dogXml)) {
            throw new IllegalArgumentException("no dog model at " + dogXml);
        }
        Path folder = dogXml.toAbsolutePath().getParent();
        Document doc = parse(dogXml);
        Element root = doc.getDocumentElement();
        inlineIncludes(doc, root, folder, 0);
        absoluteAssetFolders(doc, root, folder);
        named(root, "geom", "floor", dogXml).setAttribute("size", number(floorSize) + " " + number(floorSize) + " .1");
        remove(named(root, "body", "ball", dogXml));
        for (String geom : FETCH_GEOMS) {
            remove(named(root, "geom", geom, dogXml));
        }
        for (String camera : FETCH_CAMERAS) {
            remove(named(root, "camera", camera, dogXml));
        }
        return write(doc);
    }

    private static Document parse(Path file) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(file.toFile());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new IllegalArgumentException("cannot read the MJCF file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces every {@code <include file=F>} below {@code parent} by the children of F's root, recursively. */
    private static void inlineIncludes(Document doc, Element parent, Path folder, int depth) {
        if (depth > 16) {
            throw new IllegalArgumentException("MJCF includes nest deeper than 16 levels under " + folder
                    + "; is an include including itself?");
        }
        for (Element include : elements(parent, "include")) {
            Path file = folder.resolve(include.getAttribute("file")).normalize();
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the dog model includes " + include.getAttribute("file")
                        + ", which is not at " + file + "; is the dm_control installation complete?");
            }
            Element included = parse(file).getDocumentElement();
            inlineIncludes(included.getOwnerDocument(), included, folder, depth + 1);
            for (Node child = included.getFirstChild(); child != null; child = child.getNextSibling()) {
                include.getParentNode().insertBefore(doc.importNode(child, true), include);
            }
            remove(include);
        }
    }

    private static void absoluteAssetFolders(Document doc, Element root, Path folder) {
        List<Element> compilers = elements(root, "compiler");
        Element compiler = compilers.isEmpty() ? null : compilers.getFirst();
        if (compiler == null) {
            compiler = doc.createElement("compiler");
            root.insertBefore(compiler, root.getFirstChild());
        }
        for (String attribute : new String[]{"meshdir", "texturedir"}) {
            String value = compiler.getAttribute(attribute);   // "" when absent: the model's own folder
            compiler.setAttribute(attribute, folder.resolve(value).normalize() + "/");
        }
    }

    private static Element named(Element root, String tag, String name, Path source) {
        for (Element e : elements(root, tag)) {
            if (name.equals(e.getAttribute("name"))) {
                return e;
            }
        }
        throw new IllegalArgumentException(source + " has no <" + tag + " name=\"" + name + "\">: it is not "
                + "dm_control's suite/dog.xml (or a version this build does not know)");
    }

    private static List<Element> elements(Element root, String tag) {
        NodeList list = root.getElementsByTagName(tag);   // a live list: copy before editing the tree
        Element[] out = new Element[list.getLength()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Element) list.item(i);
        }
        return List.of(out);
    }

    private static void remove(Node node) {
        node.getParentNode().removeChild(node);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    private static Path write(Document doc) {
        try {
            Path file = Files.createTempFile("topiary-dog-", ".xml");
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "no");
            t.transform(new DOMSource(doc), new StreamResult(file.toFile()));
            return file;
        } catch (IOException | TransformerException e) {
            throw new IllegalStateException("cannot write the edited dog model to a temporary file: " + e.getMessage(),
                    e);
        }
    }
}
