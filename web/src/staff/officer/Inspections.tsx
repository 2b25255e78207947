import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { dateTime } from "../../lib/format";
import { ResultForm, ScheduleForm } from "./forms";
import { to } from "./i18n";
import type { Inspection } from "./types";

/** One photo straight to the file store: the API records it and signs an S3 POST (its type and
 * size bounded by the policy), and the browser sends the file there, never through the API. */
async function uploadPhoto(applicationId: string, inspectionId: string, file: File): Promise<Problem | undefined> {
  const asked = await call(() => api.POST("/v1/applications/{application_id}/inspections/{inspection_id}/photos", {
    params: { path: { application_id: applicationId, inspection_id: inspectionId } },
    body: { content_type: file.type || "application/octet-stream" } }));
  if (asked.problem) return asked.problem;
  const form = new FormData();
  for (const [name, value] of Object.entries(asked.data.upload.fields)) form.append(name, value);
  form.append("file", file); // last: S3 ignores every field after the file
  const failed: Problem = { status: 0, code: "upload", message: to("inspection.photoFailed", { name: file.name }), fields: {} };
  try {
    const stored = await fetch(asked.data.upload.url, { method: "POST", body: form });
    return stored.ok ? undefined : { ...failed, status: stored.status };
  } catch {
    return failed;
  }
}

export function Inspections(props: { applicationId: string; inspections: Inspection[]; canInspect: boolean;
  onDone: () => Promise<void> }) {
  return (
    <section aria-labelledby="inspections-title">
      <h2 id="inspections-title">{to("inspection.title")}</h2>
      {props.inspections.length === 0 && <p>{to("inspection.none")}</p>}
      <ul class="inspection-list">
        {props.inspections.map((inspection) => (
          <li key={inspection.id} class="inspection">
            <h3>{to("inspection.heading", { when: dateTime(inspection.scheduled_for), inspector: inspection.inspector })}</h3>
            <p>
              <strong class={`tag tag-inspection-${inspection.status}`}>{to(`inspection.status.${inspection.status}`)}</strong>
              {inspection.recorded_at && <span class="hint"> {to("inspection.recordedAt", { at: dateTime(inspection.recorded_at) })}</span>}
            </p>
            {inspection.notes && <p>{inspection.notes}</p>}
            {inspection.photos.length > 0 && (
              <ul class="photo-list">
                {inspection.photos.map((photo, index) => photo.download_url && (
                  <li key={photo.id}>
                    <a href={photo.download_url} target="_blank" rel="noopener">
                      <img class="photo" src={photo.download_url} alt={to("inspection.photoAlt", { n: index + 1 })} />
                    </a>
                  </li>
                ))}
              </ul>
            )}
            {props.canInspect && inspection.status === "scheduled" && (
              <ResultForm applicationId={props.applicationId} inspectionId={inspection.id} onDone={props.onDone}
                upload={(file) => uploadPhoto(props.applicationId, inspection.id, file)} />
            )}
          </li>
        ))}
      </ul>
      {props.canInspect && <ScheduleForm applicationId={props.applicationId} onDone={props.onDone} />}
    </section>
  );
}
