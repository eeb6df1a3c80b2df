// Starts GOV.UK Frontend's components (error summary focus, service navigation toggle, etc.).
import { initAll } from "/assets/js/govuk-frontend.min.js";

initAll();
