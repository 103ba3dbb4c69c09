// The view that hands the decision back to Auth0: a POST of link_proof to /continue, sent by script or by the button.
import { html } from '../html.ts';
import { layout } from '../layout.ts';

export function continueView(input: { baseUrl: string; continueUrl: string; proof: string; message: string }): string {
  const { baseUrl, continueUrl, proof, message } = input;
  const head = html`<script src="${baseUrl}/static/auto-submit.js" defer></script>`;
  const body = html`
    <p>${message}</p>
    <form method="post" action="${continueUrl}" data-auto-submit>
      <input type="hidden" name="link_proof" value="${proof}" />
      <button class="primary" type="submit">Continue to the application</button>
    </form>
  `;
  return layout({ title: 'Returning to the application', baseUrl, head }, body);
}
