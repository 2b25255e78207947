import { render } from "preact";
import { App } from "./app";
import { applyToDocument } from "./i18n";
import { watchSession } from "./lib/renewal";
import "./styles.css";

applyToDocument();
watchSession();
render(<App />, document.getElementById("app")!);
