import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../auth/auth.decorators';
import { uuidParam } from '../common/zod';
import { ProjectAccess } from '../projects/project-access';
import { SubjectSetsService } from '../subject-sets/subject-sets.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { type DownloadTarget, isOwnDownload, isProjectDownload } from './download-links';
import { type AllowedDownload, type AllowedOwnDownload, type AllowedProjectDownload, type AllowedSubjectSetDownload, ExportsService, ownDownloadNeedsAnAccount } from './exports.service';

const DOWNLOAD_KIND = 'chorus:download-kind';

/** The downloads this guard admits: all but a set's published text, which whoever may read the set reads (`PublishedResultsService`). */
type GuardedKind = Exclude<DownloadTarget['kind'], 'published-text'>;

/** A request of a download, once `DownloaderFirstGuard` has found who asks and that they may. */
interface DownloadRequest {
  params: { id?: unknown };
  query?: Record<string, unknown>;
  user?: AuthUser;
  download?: AllowedDownload | AllowedProjectDownload | AllowedSubjectSetDownload | AllowedOwnDownload;
}

/**
 * Finds who asks for a download of `kind` (the bearer token's account, else the download link's `token`) and that they
 * are one of the workflow's researchers (the project's, for its comments and contributors, and a subject set's file; an account, not a guest, for its own classifications and comments), before the query is read: Nest runs guards before pipes, so a download's
 * query, validated by its pipe, was refused (422) before a caller without a token was (401), and described the query
 * to anyone. A download is `@Public()` (a link carries no Authorization header), so the global AuthGuard lets it
 * through; this guard answers 401 (or 403, 404) first, as `AccessFirst` does for the other researchers' routes. What
 * it found (`AllowedDownload`) is handed to the route (`@Download()`), whose service downloads it without asking again:
 * one download, one read of who may.
 */
export const DownloaderFirst = (kind: GuardedKind) => applyDecorators(SetMetadata(DOWNLOAD_KIND, kind), UseGuards(DownloaderFirstGuard));

@Injectable()
export class DownloaderFirstGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly exports: ExportsService,
    private readonly workflows: WorkflowsService,
    private readonly access: ProjectAccess,
    private readonly subjectSets: SubjectSetsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.get<GuardedKind>(DOWNLOAD_KIND, context.getHandler());
    const request = context.switchToHttp().getRequest<DownloadRequest>();
    // The raw parameter: one given twice is a link no one was given, refused as such (the pipe names the repetition to a researcher).
    const token = request.query?.token;
    const linkToken = token === undefined ? undefined : String(token);
    if (isOwnDownload(kind)) {
      const downloader = await this.exports.downloader({ kind }, request.user, linkToken);
      if (downloader.kind !== 'registered') throw ownDownloadNeedsAnAccount(kind);
      request.download = { downloader };
      return true;
    }
    // As the route reads its id: a bad one is refused as it would refuse it.
    const id = uuidParam('id').transform(request.params.id);
    if (kind === 'subjects') {
      const downloader = await this.exports.downloader({ subjectSetId: id, kind }, request.user, linkToken);
      request.download = { downloader, set: await this.subjectSets.requireSetOfResearcher(id, downloader) };
      return true;
    }
    if (isProjectDownload(kind)) {
      const downloader = await this.exports.downloader({ projectId: id, kind }, request.user, linkToken);
      request.download = { downloader, project: await this.access.requireResearcher(id, downloader, '/params/id') };
      return true;
    }
    // A link signs the set it was made for: opened without it or with another, it is another download's.
    const set = request.query?.subjectSetId;
    const downloader = await this.exports.downloader({ workflowId: id, kind, ...(set === undefined ? {} : { subjectSetId: String(set) }) }, request.user, linkToken);
    request.download = { downloader, workflow: await this.workflows.requireResearcher(id, downloader) };
    return true;
  }
}

/** Who asks for the download and the workflow (or project) they may download, as `DownloaderFirst` found them. */
export const Download = createParamDecorator((_: unknown, context: ExecutionContext): AllowedDownload | AllowedProjectDownload | AllowedSubjectSetDownload | AllowedOwnDownload => context.switchToHttp().getRequest<Required<DownloadRequest>>().download);
