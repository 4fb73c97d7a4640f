import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type ProblemBody, ProblemException, problemBody } from './problem';

interface FastifyError {
  code?: string;
  message: string;
}

/** Turns Fastify's own request errors (bad JSON, body too large, wrong content type) into problems. */
export function problemFromFastifyError(error: FastifyError | undefined): ProblemBody | undefined {
  switch (error?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problemBody(400, `The body is not valid JSON. Send a JSON object with content-type application/json.`, [{ pointer: '', message: 'is not valid JSON' }], 'malformed-json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemBody(413, 'The body is larger than this server accepts; split it into smaller requests (for subjects, at most 10,000 per call).', [{ pointer: '', message: 'is too large' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemBody(415, 'Send the body as application/json.', [{ pointer: '/headers/content-type', message: 'must be application/json' }]);
  }
  return undefined;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(exception);
    if (body.status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (exception instanceof ProblemException && exception.retryAfterSeconds) void reply.header('retry-after', String(exception.retryAfterSeconds));
    void reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }

  private toProblem(exception: unknown): ProblemBody {
    if (exception instanceof ProblemException) return exception.body;
    const fastifyProblem = problemFromFastifyError(((exception as { cause?: FastifyError }).cause ?? exception) as FastifyError);
    if (fastifyProblem) return fastifyProblem;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail = status === 404 ? 'No such route. The API lives under /api/v1; see /api/docs.' : exception.message;
      return problemBody(status, detail);
    }
    return problemBody(500, 'Something went wrong on our side; the request changed nothing that was not reported. Try again.');
  }
}
