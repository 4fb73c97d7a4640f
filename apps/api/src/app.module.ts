import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccountModule } from './account/account.module';
import { ActivityModule } from './activity/activity.module';
import { AdminModule } from './admin/admin.module';
import { AssignmentModule } from './assignment/assignment.module';
import { AuthModule } from './auth/auth.module';
import { ClassificationsModule } from './classifications/classifications.module';
import { ProblemFilter } from './common/problem.filter';
import { APP_CONFIG, type AppConfig } from './config/config';
import { ExportsModule } from './exports/exports.module';
import { CollectionsModule } from './collections/collections.module';
import { VolunteersModule } from './volunteers/volunteers.module';
import { FavouritesModule } from './favourites/favourites.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { IdempotentRequestsModule } from './idempotent-requests/idempotent-requests.module';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { MembersModule } from './members/members.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProjectsModule } from './projects/projects.module';
import { ProjectNewsModule } from './project-news/project-news.module';
import { AboutPagesModule } from './about-pages/about-pages.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ReaggregationModule } from './reaggregation/reaggregation.module';
import { RetirementModule } from './retirement/retirement.module';
import { SubjectReportsModule } from './subject-reports/subject-reports.module';
import { DiscussionsModule } from './discussions/discussions.module';
import { BoardsModule } from './boards/boards.module';
import { CommentReportsModule } from './comment-reports/comment-reports.module';
import { NotificationsModule } from './notifications/notifications.module';
import { UnsubscriptionsModule } from './unsubscriptions/unsubscriptions.module';
import { SubjectResultsModule } from './subject-results/subject-results.module';
import { PublishedResultsModule } from './published-results/published-results.module';
import { ConsensusReviewsModule } from './consensus-reviews/consensus-reviews.module';
import { SkillsModule } from './skills/skills.module';
import { ExcludedVolunteersModule } from './excluded-volunteers/excluded-volunteers.module';
import { SubjectSetsModule } from './subject-sets/subject-sets.module';
import { TagsModule } from './tags/tags.module';
import { WorkflowsModule } from './workflows/workflows.module';

@Global()
@Module({})
class ConfigModule {
  static of(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

@Module({})
export class AppModule {
  static with(config: AppConfig, extraModules: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.of(config),
        DatabaseModule.of(config),
        JobsModule,
        MailModule,
        MetricsModule,
        IdempotentRequestsModule,
        AuthModule,
        AccountModule,
        ProjectsModule,
        MembersModule,
        SubjectSetsModule,
        WorkflowsModule,
        ActivityModule,
        AssignmentModule,
        RetirementModule,
        SubjectReportsModule,
        DiscussionsModule,
        BoardsModule,
        ProjectNewsModule,
        AboutPagesModule,
        WebhooksModule,
        CommentReportsModule,
        NotificationsModule,
        UnsubscriptionsModule,
        FavouritesModule,
        CollectionsModule,
        VolunteersModule,
        ReaggregationModule,
        ClassificationsModule,
        ExportsModule,
        SubjectResultsModule,
        PublishedResultsModule,
        ConsensusReviewsModule,
        SkillsModule,
        ExcludedVolunteersModule,
        TagsModule,
        DemoModule,
        AdminModule,
        HealthModule,
        ...extraModules,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
