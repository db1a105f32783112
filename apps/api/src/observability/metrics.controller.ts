import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/access-policy';
import { Metrics } from './metrics';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Allow('metrics')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Metrics in the Prometheus text format (keys with the admin or service role)',
    description:
      'HTTP request durations by route pattern and status (`http_request_duration_seconds`), aborted ' +
      'requests, commands by type and outcome (`sales_commands_total`), append latency and group-commit ' +
      'size of the embedded store, the log head, projection and automation checkpoints and lag, open event ' +
      'streams, rate-limit refusals, and the process (CPU, memory, event loop, garbage collection).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The Prometheus text exposition format, version 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.scrape();
    void reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return body;
  }
}
