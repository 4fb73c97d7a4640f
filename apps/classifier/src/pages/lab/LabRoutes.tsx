import type { LabRoute } from '../../lib/router';
import { LabPage } from './LabPage';
import { LabProjectPage } from './LabProjectPage';
import { LabResultsPage } from './LabResultsPage';
import { LabSubjectResultPage } from './LabSubjectResultPage';
import { LabSubjectSetPage } from './LabSubjectSetPage';
import { LabWorkflowPage } from './LabWorkflowPage';

/**
 * The lab's pages, in a chunk of their own that only researchers load (`App` imports it lazily): a volunteer's first
 * page does not wait for the definition editor and the results pages.
 */
export default function LabRoutes({ route }: { route: LabRoute }) {
  switch (route.name) {
    case 'lab':
      return <LabPage />;
    case 'lab-project':
      return <LabProjectPage key={route.projectSlug} projectSlug={route.projectSlug} />;
    case 'lab-workflow':
      return <LabWorkflowPage key={route.workflowId} workflowId={route.workflowId} />;
    case 'lab-results':
      return <LabResultsPage key={route.workflowId} workflowId={route.workflowId} />;
    case 'lab-subject-result':
      return <LabSubjectResultPage key={`${route.workflowId}/${route.subjectId}`} workflowId={route.workflowId} subjectId={route.subjectId} />;
    case 'lab-subject-set':
      return <LabSubjectSetPage key={route.setId} projectSlug={route.projectSlug} setId={route.setId} />;
  }
}
